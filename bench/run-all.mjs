// `npm run bench [-- word…]`: runs every bench/*.bench.ts (or those whose name contains a word), one after another.
import { spawnSync } from "node:child_process";
import { performance } from "node:perf_hooks";
import { readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const words = process.argv.slice(2);
const benches = readdirSync(here)
  .filter((name) => name.endsWith(".bench.ts"))
  .filter((name) => words.length === 0 || words.some((word) => name.includes(word)))
  .sort();
if (benches.length === 0) {
  console.error(`bench: no bench/*.bench.ts${words.length ? ` matching ${words.join(", ")}` : ""}`);
  process.exit(1);
}
const failed = [];
for (const name of benches) {
  console.log(`\n== ${name}`);
  const started = performance.now();
  const result = spawnSync(process.execPath, ["--import", "tsx", join(here, name)], { stdio: "inherit" });
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  console.log(
    `== ${name}: ${result.status === 0 ? "done" : `FAILED (exit ${result.status ?? result.signal})`} in ${seconds} s`,
  );
  if (result.status !== 0) failed.push(name);
}
if (failed.length > 0) {
  console.error(`\nbench: ${failed.length} of ${benches.length} failed: ${failed.join(", ")}`);
  process.exit(1);
}
