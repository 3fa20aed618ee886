// `npm run build`: empties dist/ (so a moved or deleted source leaves no stale .js behind), then compiles src/ to
// dist/ with tsconfig.build.json. `npm install`, `npm ci`, `npm pack` and installs from a folder or git run it as
// `prepare` with --if-typescript: where devDependencies are left out (npm ci --omit=dev) there is no tsc, and the
// install goes on with dist/ as it is (bin/merge-window.js then says to build first) instead of failing.
import { spawnSync } from "node:child_process";
import { rmSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
let tsc;
try {
  tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
} catch {
  if (process.argv.includes("--if-typescript")) {
    console.warn("merge-window: TypeScript is not installed (devDependencies omitted), so dist/ was not rebuilt");
    process.exit(0);
  }
  console.error("merge-window: cannot build: TypeScript is not installed; run npm ci (with devDependencies) first");
  process.exit(1);
}
rmSync(new URL("../dist", import.meta.url), { recursive: true, force: true });
const result = spawnSync(process.execPath, [tsc, "-p", "tsconfig.build.json"], { cwd: root, stdio: "inherit" });
process.exit(result.status ?? 1);
