// Scenario 6: events GitHub never sends. Through the real app and the sandbox forge (which, like GitHub, sends no
// `push` or `create` event for a push of more than three tags), the maintainer pushes five tags at once: no webhook
// arrives and nothing is checked, then the hourly reconcile lists the tags from git and checks every one of them.
//
// Not covered, and why: a push with `commits.length == 2048` and a tag push with `forced: true` are not used as
// such: a push is only a hint, every run re-reads refs with git (no compare API call; a moved tag is a new tag
// object, checked again: s28-moved-tags). The ETag-conditional listing of `refs/tags/*-pr-*` is not built: tags are
// read from the git fetch of the scheduled run. A deleted tag is never reported: see s04-out-of-order.
import { test } from "node:test";
import assert from "node:assert/strict";
import { dateStampOf } from "../../src/domain/time.ts";
import { ONDREJ } from "../../src/sandbox/scenario-people.ts";
import { parseGitTime } from "../../src/sandbox/scenario-time.ts";
import { OWNER, REPO, openReliabilityWorld } from "./reliability-world.ts";

test("s06: five tags pushed at once send no event; the hourly reconcile checks each of them", async (t) => {
  const world = await openReliabilityWorld();
  t.after(() => world.close());
  const { replay } = world;
  const now = replay.clock.now();
  const fix = await replay.maintainer.commitPatches(
    "fixes",
    [{ subject: "selinux: fix a leak", author: ONDREJ, file: "security/selinux/ss/conditional.c" }],
    parseGitTime(new Date(now.getTime() - 2 * 3600_000)),
    { from: "refs/remotes/origin/next" },
  );
  await replay.settle(); // the branch push's own events
  const day = dateStampOf(now, "UTC");
  const names = [`selinux-pr-${day}`, ...[2, 3, 4, 5].map((n) => `selinux-pr-${day}-${n}`)];
  for (const name of names) {
    await replay.maintainer.tag({
      name,
      target: fix,
      at: parseGitTime(new Date(now.getTime() - 3600_000)),
      message: `selinux/stable-6.7 PR ${day}`,
      signed: false,
    });
  }
  const checked = () =>
    replay.forge
      .checkRuns(OWNER, REPO)
      .filter((run) => run.name.startsWith("merge-window / tag "))
      .map((run) => `${run.name.slice("merge-window / tag ".length)} ${run.conclusion}`)
      .sort();
  const deliveries = replay.forge.deliveries.length;

  await replay.maintainer.pushTags(names);
  await replay.settle();
  const sent = replay.forge.deliveries.slice(deliveries).map((delivery) => delivery.event);
  assert.deepEqual(
    sent.filter((event) => event === "push" || event === "create"),
    [],
    "GitHub sends no event",
  );
  assert.deepEqual(checked(), [], "so nothing was checked yet");

  await replay.tick(); // the hourly reconcile
  assert.deepEqual(
    checked(),
    names.map((name) => `${name} failure`).sort(),
    "every tag checked (unsigned: failure), once",
  );
});
