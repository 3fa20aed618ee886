// Scenario 17: rebase next onto an upstream tag. Read next, push a backup, rebase, check, push with an explicit
// lease on the SHA read first; every patch survives (by patch-id) and the comment shows old and new SHAs.
import { test } from "node:test";
import assert from "node:assert/strict";
import { git } from "../adapters/git/git-world.ts";
import { renderRebaseResult } from "../../src/domain/git-reports.ts";
import { backupRefs, buildNextWorld, NOW, patchIds, pushesOf } from "./git-scenario.ts";

test("s17: backup first, then next with --atomic, a lease on the SHA read; patches kept; SHAs named", async (t) => {
  const world = buildNextWorld();
  t.after(() => world.cleanup());
  const layer = world.layer();
  const read = (await layer.observe()).next!.sha;
  const before = patchIds(world.maint, `v6.8-rc1..${read}`);
  world.spawns.length = 0;

  const result = await layer.rebaseNext({ onto: "v6.8-rc2", expectedSha: read, now: NOW });
  assert.equal(result.status, "rebased", JSON.stringify(result));
  if (result.status !== "rebased") return;

  const [backup, next] = pushesOf(world);
  assert.ok(
    backup?.some((arg) => arg.startsWith("--force-with-lease=refs/merge-window/backup/")),
    "backup pushed first",
  );
  assert.ok(next?.includes(`--force-with-lease=refs/heads/next:${read}`), next?.join(" "));
  assert.ok(next?.includes("--atomic"));
  assert.equal(backupRefs(world), `${result.backupRef} ${read}`, "the backup holds the old next");
  const rc2 = world.sha("refs/tags/v6.8-rc2^{commit}", world.upstream.dir);
  assert.equal(world.sha("refs/heads/next"), result.newSha);
  assert.equal(git(world.origin, ["merge-base", rc2, "refs/heads/next"]), rc2, "next is on v6.8-rc2");
  git(world.maint, ["fetch", "-q", "origin"]);
  assert.deepEqual(patchIds(world.maint, `${rc2}..origin/next`), before, "every patch, by patch-id");

  const comment = renderRebaseResult(result, "next");
  assert.ok(comment.includes(read.slice(0, 12)) && comment.includes(result.newSha.slice(0, 12)));
  assert.match(comment, /git range-diff/);
});
