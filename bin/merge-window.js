#!/usr/bin/env node
// Entry point of the `merge-window` command: runs the compiled CLI in dist/ (plain JavaScript, no tsx at run time).
// dist/ is built by `npm run build`, and by `prepare` on npm install / npm ci / npm pack / npm link; a package
// installed from a tarball or the registry ships it. When it is missing, say so in one line rather than build here:
// building needs the devDependencies and write access to the install folder, and would mix tsc output with ours.
import { existsSync } from "node:fs";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";

// The bundled CLI entry (src/cli/main.ts → dist/cli-bundle/main.js, scripts/build.mjs); when it moves, change this
// line only.
const CLI = new URL("../dist/cli-bundle/main.js", import.meta.url);

if (!existsSync(CLI)) {
  const root = dirname(dirname(fileURLToPath(import.meta.url)));
  console.error(`merge-window: ${fileURLToPath(CLI)} is missing: run npm run build first (in ${root})`);
  process.exit(1);
}
/** @type {{ main(argv: string[]): Promise<number> }} */
const { main } = await import(CLI.href);
process.exitCode = await main(process.argv.slice(2));
