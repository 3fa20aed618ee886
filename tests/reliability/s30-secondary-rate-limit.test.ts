// Scenario 30: a secondary rate limit (403 with `retry-after`) on the reply. Probot does not retry it; the app waits
// `retry-after`, runs again, and answers exactly once. Memory never claims the reply that did not land.
import { test } from "node:test";
import assert from "node:assert/strict";
import { openReliabilityWorld } from "./reliability-world.ts";

test("a secondary rate limit on the reply: not in memory, the run waits retry-after, one reply follows", async (t) => {
  const world = await openReliabilityWorld();
  t.after(() => world.close());

  await world.comment("/merge-window version 6.9", () =>
    world.replay.forge.rateLimitNext("POST", "/repos/{owner}/{repo}/issues/{issue_number}/comments", {
      kind: "secondary",
      resetInSeconds: 30,
    }),
  );
  const replies = () => world.commentKeys().filter((key) => key.startsWith("reply:"));
  assert.deepEqual(replies(), [], "the limited reply did not land");
  const done = world.memory()?.done ?? [];
  assert.ok(!done.some((key) => key.startsWith("reply:") || key.startsWith("command:")), "and is not recorded done");
  assert.match(world.body(), /could not reply on #\d+: .*secondary rate limit.*; will retry/);
  assert.deepEqual(
    world.deferred.map((entry) => entry.ms),
    [30_000],
    "waits retry-after",
  );

  await world.runDeferred();
  assert.equal(replies().length, 1, "one reply after the wait");
  assert.equal(world.memory()?.versionOverride, "6.9");
  assert.doesNotMatch(world.body(), /could not/);
  await world.replay.tick();
  assert.equal(replies().length, 1, "and no second one later");
});
