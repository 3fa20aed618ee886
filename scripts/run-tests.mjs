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
// The env simple-git sees must not carry EDITOR/PAGER/GIT_* (npm run sets EDITOR); tests build their own.
const env = { ...process.env };
const result = spawnSync(process.execPath, ["--test", "--test-concurrency=2", "--import", "tsx", ...files], {
  stdio: "inherit",
  env,
});
process.exit(result.status ?? 1);
