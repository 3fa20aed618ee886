// Scenario 3: duplicate and redelivered deliveries. A delivery is remembered only once its run completed: the
// redelivery of one whose run failed (a 502 reading the tracking issue) completes the work; a copy of a completed
// one adds nothing.
import { test } from "node:test";
import assert from "node:assert/strict";
import { openReliabilityWorld } from "./reliability-world.ts";

test("a redelivery after a failed run completes the command; a duplicate of a done one changes nothing", async (t) => {
  const world = await openReliabilityWorld();
  t.after(() => world.close());
  const { replay } = world;

  // The run reads the tracking issue by the number it remembers (the issue list is read only when that fails).
  replay.forge.failNext("GET", "/repos/{owner}/{repo}/issues/{issue_number}", { status: 502 });
  const [delivery] = await world.comment("/merge-window version 6.9");
  assert.ok(delivery, "the comment was delivered");
  assert.equal(world.memory()?.versionOverride, null, "the failed run recorded nothing");
  assert.ok(!world.commentKeys().some((key) => key.startsWith("reply:")), "and replied nothing");

  await replay.resend([delivery], { freshIds: false }); // GitHub's "Redeliver": the same delivery id
  assert.equal(world.memory()?.versionOverride, "6.9", "the redelivery completed the work");
  const replies = () => world.commentKeys().filter((key) => key.startsWith("reply:"));
  assert.equal(replies().length, 1);

  await replay.resend([delivery], { freshIds: false }); // now a duplicate of a completed delivery
  await replay.tick();
  assert.equal(replies().length, 1, "one reply, however often it arrives");
});
