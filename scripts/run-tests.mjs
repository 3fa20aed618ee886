// Runs every tests/**/*.test.ts file through node:test with tsx (Node 20's --test does not expand globs).
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { spawnSync } from "node:child_process";

function findTests(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === "node_modules" ? [] : findTests(path);
    return name.endsWith(".test.ts") ? [path] : [];
  });
}

const only = process.argv.slice(2);
const files = only.length > 0 ? only : findTests("tests").sort();
if (files.length === 0) {
  console.error("run-tests: no tests/**/*.test.ts files found");
  process.exit(1);
}
// The env the tests (and the git they run through simple-git) see carries no EDITOR, VISUAL, PAGER or GIT_*
// variable: npm run sets EDITOR, and a GIT_DIR, GIT_WORK_TREE or GIT_CONFIG_* inherited from a git hook or the
// developer's shell would point git elsewhere. Tests that need one set it themselves.
const DROPPED = /^(EDITOR|VISUAL|PAGER|GIT_.*)$/;
const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !DROPPED.test(name)));
const result = spawnSync(process.execPath, ["--test", "--test-concurrency=2", "--import", "tsx", ...files], {
  stdio: "inherit",
  env,
});
process.exit(result.status ?? 1);
