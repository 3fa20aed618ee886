// `npm run build`: empties dist/ (so a moved or deleted source leaves no stale .js behind), then compiles src/ to
// dist/ with tsconfig.build.json, and bundles the CLI (src/cli/main.ts) with esbuild into dist/cli-bundle/: one
// minified entry plus chunks that load lazily per command, so `merge-window` starts by reading a few files
// instead of ~60 modules (bench/request-pull.bench.ts). Packages stay in node_modules except yaml and zod.
// `npm install`, `npm ci`, `npm pack` and installs from a folder or git run it as
// `prepare` with --if-typescript: where devDependencies are left out (npm ci --omit=dev) there is no tsc, and the
// install goes on with dist/ as it is (bin/merge-window.js then says to build first) instead of failing.
import { spawnSync } from "node:child_process";
import { readFileSync, rmSync } from "node:fs";
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
if (result.status !== 0) process.exit(result.status ?? 1);

const { build } = await import("esbuild");
const { dependencies } = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"));
const bundled = ["yaml", "zod"];
await build({
  absWorkingDir: root,
  entryPoints: { main: "src/cli/main.ts" },
  outdir: "dist/cli-bundle",
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20",
  minify: true,
  // Same depth as dist/cli/: the relative URLs the sources resolve (../../package.json, ../../config/) still hold.
  external: Object.keys(dependencies).filter((name) => !bundled.includes(name)),
  // yaml is CommonJS and requires node builtins (process): give the ES module chunks a require.
  banner: { js: 'import{createRequire as __mwRequire}from"node:module";const require=__mwRequire(import.meta.url);' },
  logLevel: "warning",
});
