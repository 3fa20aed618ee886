// Scenario 25: stable-X.Y is created only if absent: the same SHA is a no-op success, another SHA is refused and never
// overwritten, two racing creates leave exactly one branch at the pinned SHA.
import { test } from "node:test";
import assert from "node:assert/strict";
import { buildNextWorld } from "./git-scenario.ts";

test("s25: same SHA → exists; elsewhere → refused, untouched; a race → one branch at the pinned SHA", async (t) => {
  const world = buildNextWorld();
  t.after(() => world.cleanup());
  const pinned = world.sha("refs/heads/next");
  const layers = [world.layer(), world.layer()];
  for (const layer of layers) await layer.observe();
  const raced = await Promise.all(layers.map((layer) => layer.createStableBranch({ name: "stable-6.9", sha: pinned })));
  assert.deepEqual(raced.map((r) => r.status).sort(), ["created", "exists"], JSON.stringify(raced));
  assert.equal(world.sha("refs/heads/stable-6.9"), pinned);

  world.commit("selinux: moved on", { "security/selinux/moved.c": "int moved;\n" });
  world.push("next");
  const moved = world.sha("refs/heads/next");
  await layers[0]!.observe();
  const again = await layers[0]!.createStableBranch({ name: "stable-6.9", sha: pinned });
  assert.equal(again.status, "exists", "the SHA pinned at decision time, not where next is now");
  const elsewhere = await layers[0]!.createStableBranch({ name: "stable-6.9", sha: moved });
  assert.equal(elsewhere.status === "refused" && elsewhere.code, "exists-elsewhere");
  assert.equal(world.sha("refs/heads/stable-6.9"), pinned, "never overwritten");
});
