// Scenario 29: the primary rate limit, hit while handling a webhook. The webhook is acknowledged at once, the run is
// put aside until GitHub's `x-ratelimit-reset` (never awaited inside the handler), and then completes: nothing dropped.
import { test } from "node:test";
import assert from "node:assert/strict";
import { openReliabilityWorld } from "./reliability-world.ts";

test("a primary rate limit defers the command's run to the reset, then it runs once", async (t) => {
  const world = await openReliabilityWorld();
  t.after(() => world.close());

  const [delivery] = await world.comment("/merge-window version 6.9", () =>
    world.replay.forge.rateLimitNext("GET", "/repos/{owner}/{repo}/issues/{issue_number}", { resetInSeconds: 2400 }),
  );
  assert.match(String(delivery?.status), /^2\d\d$/, "acknowledged at once");
  assert.equal(world.memory()?.versionOverride, null, "nothing done while limited");
  assert.deepEqual(
    world.deferred.map((entry) => entry.ms),
    [2_401_000],
    "one run waits until the reset GitHub gave (40 min, plus a second)",
  );

  await world.runDeferred();
  assert.equal(world.memory()?.versionOverride, "6.9");
  assert.equal(world.commentKeys().filter((key) => key.startsWith("reply:")).length, 1, "one reply");
  assert.equal(world.deferred.length, 0, "nothing left waiting");
});
