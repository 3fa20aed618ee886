// Bounded work at scale: one app process (the embedded default, no Redis) meets the hourly reconcile of 201
// repositories (its catch-up at start) and then 200 signed pushes to 200 repositories in 10 s. Prints, for each,
// the runs that failed (the target is none), the time until the queue drained, the peak of concurrent git
// processes and the ack p50/p99. Run alone: `node --import tsx bench/burst.bench.ts` (MERGE_WINDOW_BURST_REPOS=N).
import { randomUUID } from "node:crypto";
import { readdirSync, readFileSync, readlinkSync } from "node:fs";
import { performance } from "node:perf_hooks";
import { openFleet, type Fleet, type Instance } from "../tests/reliability/redis-world.ts";

const REPOS = Number(process.env.MERGE_WINDOW_BURST_REPOS ?? 201);
const PUSHES = Math.min(200, REPOS);
const SPREAD_MS = 10_000;

/** `merge_window_<name>` summed over its label sets, from the instance's /metrics. */
async function metric(instance: Instance, name: string, labels = ""): Promise<number> {
  const text = await instance.metrics();
  let sum = 0;
  for (const line of text.split("\n")) {
    if (!line.startsWith(`merge_window_${name}`) || !line.includes(labels)) continue;
    const value = Number(line.slice(line.lastIndexOf(" ") + 1));
    if (/^merge_window_\w+(\{|\s)/.test(line) && Number.isFinite(value)) sum += value;
  }
  return sum;
}

/** Live git processes working under `root` (the fleet's directory: the instance's cache and the forge). */
function gitProcesses(root: string): number {
  let count = 0;
  for (const pid of readdirSync("/proc")) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      if (!readFileSync(`/proc/${pid}/comm`, "utf8").startsWith("git")) continue;
      if (readlinkSync(`/proc/${pid}/cwd`).startsWith(root)) count++;
    } catch {
      // gone meanwhile
    }
  }
  return count;
}

/** Waits until `runs` finished runs are counted and nothing is queued; samples git processes meanwhile. */
async function settle(instance: Instance, fleet: Fleet, runs: number, limitMs = 1_800_000) {
  const started = performance.now();
  let peakGit = 0;
  for (;;) {
    peakGit = Math.max(peakGit, gitProcesses(fleet.dir));
    const [finished, depth] = await Promise.all([metric(instance, "runs_total"), metric(instance, "queue_depth")]);
    if (finished >= runs && depth === 0) break;
    if (performance.now() - started > limitMs) {
      console.log(`  gave up after ${limitMs / 1000} s: ${finished} of ${runs} runs, queue depth ${depth}`);
      break;
    }
    await new Promise((done) => setTimeout(done, 100));
  }
  return { seconds: (performance.now() - started) / 1000, peakGit };
}

async function report(instance: Instance, what: string, before: { runs: number; failed: number }, took: object) {
  const runs = (await metric(instance, "runs_total")) - before.runs;
  const failed = (await metric(instance, "runs_total", 'outcome="failed"')) - before.failed;
  const { seconds, peakGit } = took as { seconds: number; peakGit: number };
  console.log(
    `  ${what}: ${runs} runs, ${failed} failed (target 0: ${failed === 0 ? "met" : "NOT met"}), ` +
      `drained in ${seconds.toFixed(1)} s, at most ${peakGit} git processes at once`,
  );
  return { runs: before.runs + runs, failed: before.failed + failed };
}

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]!;

const fleet = await openFleet(REPOS);
try {
  const cap = process.env.MERGE_WINDOW_GIT_PROCESSES ?? "the default";
  console.log(`bounded work, one instance without Redis, ${REPOS} repositories, git process cap ${cap}:`);
  // The app's own defaults (runs at once: one per CPU) unless the environment says otherwise.
  const runs = process.env.MERGE_WINDOW_RUNS ?? "";
  const instance = await fleet.start("burst", { REDIS_URL: "", MERGE_WINDOW_RUNS: runs });
  let counted = { runs: 0, failed: 0 };
  // The reconcile catch-up at start runs every installed repository once.
  counted = await report(instance, `reconcile of ${REPOS}`, counted, await settle(instance, fleet, REPOS));
  const acks: Promise<{ status: number; ms: number }>[] = [];
  for (let i = 0; i < PUSHES; i++) {
    const repo = fleet.repos[i]!;
    acks.push(fleet.send(instance, "push", randomUUID(), fleet.pushBody(repo)));
    await new Promise((done) => setTimeout(done, SPREAD_MS / PUSHES));
  }
  const answers = await Promise.all(acks);
  const took = await settle(instance, fleet, counted.runs + PUSHES);
  await report(instance, `${PUSHES} pushes to ${PUSHES} repositories in ${SPREAD_MS / 1000} s`, counted, took);
  const ms = answers.map((answer) => answer.ms).sort((a, b) => a - b);
  const refused = answers.filter((answer) => answer.status >= 300).length;
  console.log(
    `  acks: p50 ${pct(ms, 0.5).toFixed(1)} ms, p99 ${pct(ms, 0.99).toFixed(1)} ms (target < 100 ms), ` +
      `${refused} not 2xx`,
  );
} finally {
  await fleet.close();
}
