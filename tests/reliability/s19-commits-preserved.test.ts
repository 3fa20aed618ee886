// Scenario 19: a conflict aborts the rebase and leaves next untouched with the files named; a patch that vanishes
// without being upstream stops the push.
import { test } from "node:test";
import assert from "node:assert/strict";
import { renderSourceFile } from "../fixtures/kernel-repo.ts";
import { editLine } from "../adapters/git/git-world.ts";
import { backupRefs, buildNextWorld, NOW, POLICYDB, pushesOf, UPSTREAM_H } from "./git-scenario.ts";

test("s19: a conflicting patch: rebase aborted, the file reported, next untouched, nothing pushed", async (t) => {
  const world = buildNextWorld();
  t.after(() => world.cleanup());
  const tip = world.commit("selinux: rework upstream.h", { [UPSTREAM_H]: "/* ours */\n" });
  world.push("next");
  const layer = world.layer();
  await layer.observe();
  world.spawns.length = 0;
  const result = await layer.rebaseNext({ onto: "v6.8-rc2", now: NOW });
  assert.equal(result.status === "refused" && result.code, "conflict");
  assert.deepEqual(result.status === "refused" && result.conflicts, [UPSTREAM_H]);
  assert.equal(world.sha("refs/heads/next"), tip);
  assert.deepEqual(pushesOf(world), []);
  assert.equal(backupRefs(world), "");
});

test("s19: a patch that disappears without being upstream by patch-id: nothing pushed, it is listed", async (t) => {
  const world = buildNextWorld();
  t.after(() => world.cleanup());
  const old = world.sha("refs/heads/next");
  const swept = editLine(editLine(renderSourceFile(POLICYDB), 5, "int tidy;"), 9, "int more;");
  world.upstreamCommit("selinux: sweeping policydb cleanup", { [POLICYDB]: swept }, "v6.8-rc3");
  const layer = world.layer();
  await layer.observe();
  world.spawns.length = 0;
  const result = await layer.rebaseNext({ onto: "v6.8-rc3", now: NOW });
  assert.equal(result.status === "refused" && result.code, "commits-missing", JSON.stringify(result));
  assert.deepEqual(result.status === "refused" && result.missing?.map((c) => c.subject), ["selinux: tidy policydb"]);
  assert.equal(world.sha("refs/heads/next"), old);
  assert.deepEqual(pushesOf(world), []);
});
