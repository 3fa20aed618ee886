// Scenario 21: only upstream vX.Y / vX.Y-rcN tags are rebase targets; anything else is refused before clone work,
// and `/merge-window rebase` takes no argument a commenter could aim elsewhere.
import { test } from "node:test";
import assert from "node:assert/strict";
import { findCommand } from "../../src/domain/commands.ts";
import { git } from "../adapters/git/git-world.ts";
import { buildNextWorld, NOW } from "./git-scenario.ts";

test("s21: a rev expression, a SHA, a branch, an option or an unknown tag is refused, spawning no git", async (t) => {
  const world = buildNextWorld();
  t.after(() => world.cleanup());
  const layer = world.layer();
  await layer.observe();
  world.spawns.length = 0;
  const sha = world.sha("refs/tags/v6.8-rc2^{commit}", world.upstream.dir);
  for (const onto of ["v6.8-rc2~5", sha, "master", "next", "--onto=x", "selinux-pr-20240101"]) {
    // Names git would read as more than a name are refused by the input check (InputError), the rest as no tag.
    const outcome = await layer.rebaseNext({ onto, now: NOW }).then(
      (result) => (result.status === "refused" ? result.code : result.status),
      (error: Error) => error.name,
    );
    assert.ok(["not-a-version-tag", "InputError"].includes(outcome), `${onto}: ${outcome}`);
  }
  assert.deepEqual(world.spawns, [], "refused before any git process");
  const missing = await layer.rebaseNext({ onto: "v6.9", now: NOW });
  assert.equal(missing.status === "refused" && missing.code, "unknown-upstream-tag");
  assert.equal(git(world.origin, ["rev-parse", "refs/heads/next"]), world.sha("refs/heads/next"));
  for (const body of ["/merge-window rebase v7.0-rc3~5", "/merge-window rebase --onto=x"]) {
    const found = findCommand(body);
    assert.ok(found && !found.ok && /takes no arguments/.test(found.reason), body);
  }
});
