// Scenario 20: next holds a merge of someone else's branch (a sub-maintainer's pull): the rebase is refused before
// anything runs, with the merge named; next is unchanged.
import { test } from "node:test";
import assert from "node:assert/strict";
import { git } from "../adapters/git/git-world.ts";
import { renderRebaseResult } from "../../src/domain/git-reports.ts";
import { buildNextWorld, NOW } from "./git-scenario.ts";

test("s20: a merge of others' history refuses the rebase; no rebase, push or worktree; next unchanged", async (t) => {
  const world = buildNextWorld();
  t.after(() => world.cleanup());
  git(world.maint, ["checkout", "-q", "-b", "vfs-shared", "v6.8-rc1"]);
  world.commit("vfs: shared helper", { "fs/namei.c": "int shared;\n" });
  git(world.maint, ["checkout", "-q", "next"]);
  git(world.maint, ["merge", "-q", "--no-ff", "-m", "Merge tag 'vfs-6.9' of git://git.kernel.org/vfs", "vfs-shared"]);
  world.push("next");
  const tip = world.sha("refs/heads/next");
  const layer = world.layer();
  await layer.observe();
  world.spawns.length = 0;
  const result = await layer.rebaseNext({ onto: "v6.8-rc2", now: NOW });
  assert.equal(result.status === "refused" && result.code, "foreign-merges");
  assert.ok(
    !world.spawns.some((argv) => argv.includes("rebase") || argv.includes("push") || argv.includes("worktree")),
  );
  assert.equal(world.sha("refs/heads/next"), tip);
  assert.match(renderRebaseResult(result, "next"), /Rebase refused \(foreign-merges\).*`next` was not changed/);
});
