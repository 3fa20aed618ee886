// `merge-window request-pull` from the compiled command (bin/merge-window.js → dist/) against `git request-pull`
// for the same pull on the 200k-commit bench repository: both times, their ratio (target ≤ 0.5×) and identical
// stdout bytes (exit 1 otherwise); and the command's start-up (`--help`) against `node -e 0`.
// Run alone: npm run build && node --import tsx bench/request-pull.bench.ts
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { buildGitEnv } from "../src/adapters/git/runner.ts";

const RUNS = 7;
const CACHE = join(tmpdir(), "merge-window-bench-v1");
const ROOT = fileURLToPath(new URL("..", import.meta.url));
const BIN = join(ROOT, "bin", "merge-window.js");
const BASE = "selinux-pr-20240312";
const TAG = "selinux-pr-20240327";

interface BenchRepo {
  readonly dir: string;
  readonly commits: number;
  readonly gnupgHome: string;
}

/** The repository bench/status.bench.ts builds and caches; built through it when absent. */
function openLargeRepo(): BenchRepo {
  const marker = join(CACHE, "ready.json");
  if (!existsSync(marker)) {
    console.log(`no ${marker}: building the bench repository with bench/status.bench.ts (once) …`);
    const built = spawnSync(process.execPath, ["--import", "tsx", join(ROOT, "bench", "status.bench.ts")], {
      cwd: ROOT,
      stdio: "inherit",
    });
    if (built.status !== 0 || !existsSync(marker))
      throw new Error("bench/status.bench.ts did not build the repository");
  }
  return JSON.parse(readFileSync(marker, "utf8")) as BenchRepo;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/** Runs a command, returns its wall time (ms), exit status and stdout bytes. */
function timed(command: string, args: readonly string[], cwd: string, env: NodeJS.ProcessEnv) {
  const started = performance.now();
  const result = spawnSync(command, args, { cwd, env, maxBuffer: 64 << 20 });
  const ms = performance.now() - started;
  return { ms, status: result.status, stdout: result.stdout, stderr: result.stderr.toString() };
}

if (!existsSync(join(ROOT, "dist", "cli", "main.js"))) {
  console.error("bench/request-pull: dist/ is missing: run npm run build first");
  process.exit(1);
}
const repo = openLargeRepo();
const config = join(repo.dir, "..", "config.yml");
const env = buildGitEnv({ GNUPGHOME: repo.gnupgHome });
// The URL is the repository itself: both commands find the tag there with one ls-remote.
const url = repo.dir;
const git = ["request-pull", BASE, url, TAG];
const ours = [BIN, "request-pull", TAG, "--base", BASE, "--url", url, "--config", config];

const warm = [timed("git", git, repo.dir, env), timed(process.execPath, ours, repo.dir, env)];
for (const run of warm) if (run.status !== 0) throw new Error(`exit ${run.status}: ${run.stderr}`);
const identical = warm[0]!.stdout.equals(warm[1]!.stdout);

const times = { node: [] as number[], help: [] as number[], git: [] as number[], ours: [] as number[] };
for (let i = 0; i < RUNS; i++) {
  times.node.push(timed(process.execPath, ["-e", "0"], ROOT, env).ms);
  times.help.push(timed(process.execPath, [BIN, "--help"], ROOT, env).ms);
  times.git.push(timed("git", git, repo.dir, env).ms);
  times.ours.push(timed(process.execPath, ours, repo.dir, env).ms);
}
const [node, help, gitMs, oursMs] = [times.node, times.help, times.git, times.ours].map(median) as [
  number,
  number,
  number,
  number,
];
const ms = (value: number) => `${value.toFixed(0)} ms`;
console.log(`${repo.commits}-commit repository, median of ${RUNS} runs each, compiled bin (dist/):`);
console.log(`  start-up:     node -e 0 ${ms(node)}   merge-window --help ${ms(help)}   (+${ms(help - node)})`);
console.log(
  `  request-pull: git request-pull ${ms(gitMs)}   merge-window request-pull ${ms(oursMs)}   ` +
    `ratio ${(oursMs / gitMs).toFixed(2)}× (target ≤ 0.50×)`,
);
console.log(
  `  floor:        node -e 0 alone is ${(node / gitMs).toFixed(2)}× git request-pull: no node process can reach ` +
    `${(0.5 * gitMs).toFixed(0)} ms here; above node's start-up, merge-window takes ${ms(oursMs - node)} ` +
    `(${((oursMs - node) / gitMs).toFixed(2)}× git request-pull)`,
);
console.log(`  stdout bytes: ${identical ? "identical" : "DIFFERENT"} (${warm[1]!.stdout.length} bytes)`);
console.log(
  `result: request-pull: ours ${ms(oursMs)} vs git request-pull ${ms(gitMs)}: ${(oursMs / gitMs).toFixed(3)}× ` +
    `(target ≤ 0.5×): ${oursMs / gitMs <= 0.5 ? "met" : "not met"}`,
);
if (!identical) process.exitCode = 1;
