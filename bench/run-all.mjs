// `npm run bench [-- word…]`: runs every bench/*.bench.ts (or those whose name contains a word), one after another,
// then repeats each bench's `result:` lines (ours vs the best raw git, ratio, target, met / not met) together.
import { spawn } from "node:child_process";
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

/** Runs one bench, its output shown as it comes; resolves with its exit status and its `result:` lines. */
function runBench(name) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["--import", "tsx", join(here, name)], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    const results = [];
    let pending = "";
    child.stdout.setEncoding("utf8");
    child.stdout.on("data", (text) => {
      process.stdout.write(text);
      const lines = (pending + text).split("\n");
      pending = lines.pop();
      for (const line of lines) if (line.startsWith("result: ")) results.push(line.slice("result: ".length));
    });
    child.on("close", (code, signal) => {
      if (pending.startsWith("result: ")) results.push(pending.slice("result: ".length));
      resolve({ status: code, signal, results });
    });
  });
}

const failed = [];
const summary = [];
for (const name of benches) {
  console.log(`\n== ${name}`);
  const started = performance.now();
  const result = await runBench(name);
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  console.log(
    `== ${name}: ${result.status === 0 ? "done" : `FAILED (exit ${result.status ?? result.signal})`} in ${seconds} s`,
  );
  if (result.status !== 0) failed.push(name);
  for (const line of result.results) summary.push(`${name.replace(/\.bench\.ts$/, "")}: ${line}`);
}
if (summary.length > 0) console.log(`\n== ours vs the best raw git\n${summary.join("\n")}`);
if (failed.length > 0) {
  console.error(`\nbench: ${failed.length} of ${benches.length} failed: ${failed.join(", ")}`);
  process.exit(1);
}
