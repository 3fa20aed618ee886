// Scenario 18: a maintainer pushes to next (and the app's clone fetches) between the app reading next and pushing.
// The lease on the SHA read refuses the push, the maintainer's commit survives; and no code path forces blindly.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { git } from "../adapters/git/git-world.ts";
import { buildNextWorld, NOW } from "./git-scenario.ts";

test("s18: a push to next after the read (a fetch between) refuses the rebase; the new commit survives", async (t) => {
  const world = buildNextWorld();
  t.after(() => world.cleanup());
  const layer = world.layer();
  const read = (await layer.observe()).next!.sha;
  const late = world.commit("selinux: late fix", { "security/selinux/late.c": "int late;\n" });
  world.push("next");
  git(world.app, ["fetch", "-q", "origin"]); // a background fetch: a bare lease would now use the new SHA

  const result = await layer.rebaseNext({ onto: "v6.8-rc2", expectedSha: read, now: NOW });
  assert.equal(result.status === "refused" && result.code, "push-rejected", JSON.stringify(result));
  assert.equal(world.sha("refs/heads/next"), late, "the maintainer's commit is next's tip");
});

test("s18: every force in src/ is a lease on a SHA: no --force, -f, +refspec or bare --force-with-lease", () => {
  const root = join(import.meta.dirname, "../../src");
  const files = readdirSync(root, { recursive: true, encoding: "utf8" }).filter((file) => file.endsWith(".ts"));
  const offences: string[] = [];
  for (const file of files.filter((f) => !f.startsWith("sandbox/"))) {
    const text = readFileSync(join(root, file), "utf8");
    const pushes = /["'`]push["'`]/.test(text);
    for (const [i, line] of text.split("\n").entries()) {
      if (/^\s*(\*|\/\/|\/\*)/.test(line)) continue; // comments describe pushes, they do not make them
      if (/"worktree", "remove"/.test(line)) continue; // `worktree remove --force`: a local checkout, not a ref
      if (/["'`]--force["'`]|["'`]-f["'`]|--force-with-lease["'`]/.test(line))
        offences.push(`${file}:${i + 1}: ${line.trim()}`);
      // `+src:dst` is fine in a fetch into the app's own mirror; in the file that pushes it would be a blind force.
      if (pushes && /["'`]\+[^"'`]*:/.test(line)) offences.push(`${file}:${i + 1}: ${line.trim()}`);
      if (/--force-with-lease=/.test(line) && !/--force-with-lease=\$\{[^}]+\}:\$\{/.test(line))
        offences.push(`${file}:${i + 1}: ${line.trim()}`);
    }
  }
  assert.deepEqual(offences, []);
  assert.ok(
    files.includes("adapters/git/refs.ts") &&
      /--force-with-lease=\$\{/.test(readFileSync(join(root, "adapters/git/refs.ts"), "utf8")),
  );
});
