// Scenario 4: out-of-order events. Through the real app and the sandbox forge, deliveries arrive newest first: a
// tag's `delete` before its `push`/`create`, and the second push of `next` before the first. Every run re-reads refs
// from git (a webhook is only a hint), so no check is posted for the deleted tag and the state the reversed deliveries
// leave is current: the next hourly reconcile finds nothing to change.
//
// Not covered here: `issue_comment.edited` before `created` (an edit is never a command: s14-command-recognition).
import { test } from "node:test";
import assert from "node:assert/strict";
import { dateStampOf } from "../../src/domain/time.ts";
import { ONDREJ } from "../../src/sandbox/scenario-people.ts";
import { parseGitTime } from "../../src/sandbox/scenario-time.ts";
import { takeSnapshot } from "../../src/sandbox/replay-state.ts";
import { OWNER, REPO, openReliabilityWorld } from "./reliability-world.ts";

test("s04: reversed deliveries (delete before create, newer push first) leave current state only", async (t) => {
  const world = await openReliabilityWorld();
  t.after(() => world.close());
  const { replay } = world;
  const now = replay.clock.now();
  const hoursAgo = (hours: number) => parseGitTime(new Date(now.getTime() - hours * 3600_000));

  // Two pushes of next (A→B, then B→C), delivered C first.
  const from = replay.forge.deliveries.length;
  await replay.maintainer.commitPatches(
    "next",
    [{ subject: "selinux: first", author: ONDREJ, file: "security/selinux/ss/conditional.c" }],
    hoursAgo(3),
  );
  const tip = await replay.maintainer.commitPatches(
    "next",
    [{ subject: "selinux: second", author: ONDREJ, file: "security/selinux/ss/services.c" }],
    hoursAgo(2),
  );
  // A tag pushed and deleted again before any delivery: `delete` arrives before `push` and `create`.
  const tag = `selinux-pr-${dateStampOf(now, "UTC")}`;
  await replay.maintainer.tag({ name: tag, target: tip, at: hoursAgo(1), message: "x", signed: false });
  await replay.maintainer.pushTags([tag]);
  await replay.maintainer.rest.request("DELETE /repos/{owner}/{repo}/git/refs/{ref}", {
    owner: OWNER,
    repo: REPO,
    ref: `tags/${tag}`,
  });
  const pending = replay.forge.pendingDeliveries().map((delivery) => delivery.event);
  assert.ok(pending.includes("delete") && pending.filter((event) => event === "push").length >= 3, pending.join());

  await replay.settle({ order: "reverse" });
  const sent = replay.forge.deliveries.slice(from).map((delivery) => delivery.event);
  assert.ok(sent.indexOf("delete") < sent.lastIndexOf("create"), `delete delivered before create: ${sent.join()}`);
  const tagChecks = () => replay.forge.checkRuns(OWNER, REPO).filter((run) => run.name.endsWith(` ${tag}`));
  assert.deepEqual(tagChecks(), [], "no check for a tag that no longer exists");
  assert.ok(!world.body().includes(tag), "nor a word about it in the tracking issue");

  const before = await takeSnapshot(replay.forge, OWNER, REPO);
  assert.equal(before.refs["refs/heads/next"], tip, "next is the newest push");
  await replay.tick();
  assert.deepEqual(await takeSnapshot(replay.forge, OWNER, REPO), before, "the reconcile finds nothing to correct");
  assert.deepEqual(tagChecks(), []);
});
