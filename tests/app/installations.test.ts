// The installation list is kept: scheduled jobs reuse it; an installation webhook (through the runtime) or the
// TTL makes the next job list again. And GitHub's `push` + `create` pair for one push joins one waiting run.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createMemoryStore } from "../../src/adapters/store.ts";
import { createRunCoalescer } from "../../src/app/coalesce.ts";
import { createInstallationLister, INSTALLATIONS_TTL_MS } from "../../src/app/installations.ts";
import type { RepositoryRef } from "../../src/app/runtime.ts";
import type { Trigger } from "../../src/ports.ts";

const REPOS: RepositoryRef[] = [{ installationId: 1, owner: "maintainers", repo: "selinux" }];

test("the installation list is asked once, then again only after an invalidation or the TTL", async () => {
  let asked = 0;
  let now = 1_000_000;
  const lister = createInstallationLister(async () => (asked++, REPOS), createMemoryStore(), { now: () => now });
  assert.deepEqual(await lister.list(), REPOS);
  assert.deepEqual(await lister.list(), REPOS);
  assert.equal(asked, 1, "the second job reuses the list");
  await lister.invalidate();
  await lister.list();
  assert.equal(asked, 2, "an installation webhook makes the next job list again");
  now += INSTALLATIONS_TTL_MS - 1;
  await lister.list();
  assert.equal(asked, 2);
  now += 1;
  await lister.list();
  assert.equal(asked, 3, "the TTL heals a lost installation webhook");
  now -= 10 * INSTALLATIONS_TTL_MS;
  await lister.list();
  assert.equal(asked, 4, "a clock that went back does not keep a list for ever");
});

test("a create (no commit) joins the waiting push run; the push's commit wins; every delivery settles once", () => {
  const runs = createRunCoalescer();
  const settled: string[] = [];
  const create: Trigger = { kind: "push", ref: "refs/tags/selinux-pr-20240311", sha: "", deleted: false };
  const push: Trigger = { kind: "push", ref: "refs/tags/selinux-pr-20240311", sha: "a".repeat(40), deleted: false };
  const tick: Trigger = { kind: "tick", job: "reconcile" };
  const key = runs.keyOf("o/r", create)!;
  assert.equal(runs.keyOf("o/r", push), key, "push and create do the same work");
  assert.notEqual(runs.keyOf("o/r", tick), key, "a scheduled tick stays apart from a hint");
  assert.notEqual(runs.keyOf("o/other", push), key, "another repository's run is its own");
  assert.equal(
    runs.join(key, create, () => {}),
    false,
    "nothing waits yet",
  );
  runs.wait(key, create, (ok) => settled.push(`create ${ok}`));
  assert.equal(
    runs.join(key, push, (ok) => settled.push(`push ${ok}`)),
    true,
  );
  const run = runs.take(key);
  assert.deepEqual(run.trigger, push);
  run.settled(true);
  assert.deepEqual(settled, ["create true", "push true"]);
  assert.equal(
    runs.join(key, push, () => {}),
    false,
    "a started run takes no more",
  );
});

test("the scheduled jobs' ticks share a run; the backup cleanup and commands keep their own", () => {
  const runs = createRunCoalescer();
  const reconcile = runs.keyOf("o/r", { kind: "tick", job: "reconcile" });
  assert.equal(runs.keyOf("o/r", { kind: "tick", job: "weekly-tests" }), reconcile);
  assert.equal(runs.keyOf("o/r", { kind: "tick", job: "poll-upstream" }), reconcile);
  const cleanup = runs.keyOf("o/r", { kind: "tick", job: "cleanup-backups" });
  assert.ok(cleanup !== null && cleanup !== reconcile, "the cleanup is not the cycle's run");
  const newTag = runs.keyOf("o/r", { kind: "tick", job: "poll-upstream", upstreamTag: "v6.9-rc2" });
  assert.equal(newTag, runs.keyOf("o/r", { kind: "push", ref: "refs/heads/next", sha: "", deleted: false }));
  const comment: Trigger = {
    kind: "comment",
    commentId: 1,
    issue: 2,
    body: "/merge-window status",
    actor: "paul",
    actorIsBot: false,
  };
  assert.equal(runs.keyOf("o/r", comment), null);
});
