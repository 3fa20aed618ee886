// Scenario 31: a 502 on a non-idempotent POST that landed anyway. The adapter re-reads by marker before posting
// again: exactly one comment.
import { test } from "node:test";
import assert from "node:assert/strict";
import { openReliabilityWorld } from "./reliability-world.ts";

test("a reply POST answered 502 after it landed is not posted twice", async (t) => {
  const world = await openReliabilityWorld();
  t.after(() => world.close());
  await world.comment("/merge-window version 6.9", () =>
    world.replay.forge.failNext("POST", "/repos/{owner}/{repo}/issues/{issue_number}/comments", {
      status: 502,
      afterApplying: true,
    }),
  );
  await world.replay.tick();
  assert.equal(world.commentKeys().filter((key) => key.startsWith("reply:")).length, 1);
  assert.equal(world.memory()?.versionOverride, "6.9");
  assert.ok(world.memory()?.done.some((key) => key.startsWith("command:")));
});
