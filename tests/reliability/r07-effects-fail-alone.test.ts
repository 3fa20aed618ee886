// Design rule 7 (issue 9, item 1): one failed effect never blocks the others, and what is recorded as done is what
// was done. A reply GitHub refuses (422): the decision is still recorded, the failure is shown ("will retry"), and
// the next run (a plain tick) finds the unanswered command in the tracking issue and answers it once.
import { test } from "node:test";
import assert from "node:assert/strict";
import { openReliabilityWorld } from "./reliability-world.ts";

test("a refused reply: memory is written anyway, the failure is shown, the next tick answers once", async (t) => {
  const world = await openReliabilityWorld();
  t.after(() => world.close());

  await world.comment("/merge-window version 6.9", () =>
    world.replay.forge.failNext("POST", "/repos/{owner}/{repo}/issues/{issue_number}/comments", {
      status: 422,
      afterApplying: false,
    }),
  );
  const replies = () => world.commentKeys().filter((key) => key.startsWith("reply:"));
  assert.deepEqual(replies(), []);
  assert.equal(world.memory()?.versionOverride, "6.9", "the decision is recorded though the reply failed");
  assert.ok(!world.memory()?.done.some((key) => key.startsWith("command:")), "the command is not recorded handled");
  assert.match(world.body(), /⚠️ could not reply on #\d+: `[^`]*422[^`]*`; will retry/);
  assert.equal(world.deferred.length, 0, "a 422 is no rate limit: nothing waits");

  await world.replay.tick(); // no webhook: the command is found in the thread, unanswered
  assert.equal(replies().length, 1);
  assert.ok(world.memory()?.done.some((key) => key.startsWith("command:")));
  assert.doesNotMatch(world.body(), /could not/);
  await world.replay.tick();
  assert.equal(replies().length, 1, "answered once");
});
