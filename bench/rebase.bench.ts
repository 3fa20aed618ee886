// On a kernel-shaped tree (≥ 1M commits, ~80k files; built once, cached in
// ~/.cache/merge-window-bench/linux-<commits>.git):
// `merge-window status`, the trial rebase (`advise-rebase`) and `rebase` of 100 patches, each beside the raw-git
// way (a full worktree + `git rebase` of the same 100 patches), in the same run, with the ratio.
// MW_BENCH_COMMITS: tree size; MW_BENCH_CACHE: cache dir; MW_BENCH_UPSTREAM=<bare repo>: another kernel-shaped
// upstream (e.g. a build in progress, checkpointed with SIGUSR1 to its git fast-import); MW_BENCH_RUNS: runs per
// median (default 3); MW_BENCH_REBASE=0: skip the real rebase.
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { availableParallelism, homedir, loadavg } from "node:os";
import { replayOnto } from "../src/adapters/git/replay.ts";
import { buildGitEnv, createGitRunner, observeGit } from "../src/adapters/git/runner.ts";
import { main } from "../src/cli/main.ts";
import { buildSubsystem } from "../tests/fixtures/kernel-repo.ts";
import { KERNEL_SHAPE, openKernelTree } from "./kernel-tree.ts";

// Outside any worktree, so every checkout of the project (and every helper) reuses one build.
const ROOT = process.env.MW_BENCH_CACHE ?? join(homedir(), ".cache", "merge-window-bench");
const PATCHES = 100;
const RUNS = Number(process.env.MW_BENCH_RUNS ?? 3);
const STATUS_RUNS = Math.max(RUNS, 11);
const IDENTITY = ["-c", "user.name=Paul Moore", "-c", "user.email=paul@paul-moore.com"];

const git = (dir: string, args: readonly string[]): string =>
  execFileSync("git", [...IDENTITY, ...args], { cwd: dir, env: buildGitEnv(), encoding: "utf8", maxBuffer: 1 << 28 });

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

async function openUpstream(): Promise<string> {
  const given = process.env.MW_BENCH_UPSTREAM;
  if (given) {
    const commits = git(given, ["rev-list", "--count", "refs/heads/master"]).trim();
    console.log(`upstream ${given} (given): ${commits} commits on master`);
    return given;
  }
  const started = performance.now();
  const tree = await openKernelTree(join(ROOT, `linux-${KERNEL_SHAPE.commits}.git`));
  const built = performance.now() - started > 60_000 ? "built now" : "cached";
  console.log(
    `upstream ${tree.dir} (${built}; the build took ${tree.buildSeconds.toFixed(0)} s): ${tree.commits} commits, ` +
      `${tree.merges} merges, ${tree.files} files in ${tree.directories} directories, ${tree.tags} tags`,
  );
  return tree.dir;
}

interface Subsystem {
  readonly dir: string;
  readonly remote: string;
  readonly old: string;
  readonly onto: string;
  readonly at: string;
}

/** next = the second-newest vX.Y-rc1 + 100 patches, with a bare push remote; rebased onto the newest rc1. */
function openSubsystem(upstream: string): Subsystem {
  const rc1s = git(upstream, ["for-each-ref", "--sort=-version:refname", "--format=%(refname:strip=2)"])
    .split("\n")
    .filter((name) => /^v\d+\.\d+-rc1$/.test(name));
  const [onto, base] = rc1s;
  if (!onto || !base) throw new Error(`${upstream}: fewer than two vX.Y-rc1 tags`);
  const head = git(upstream, ["rev-parse", "refs/heads/master"]).trim();
  const root = join(ROOT, `selinux-${head.slice(0, 12)}`);
  const marker = join(root, "ready.json");
  if (existsSync(marker)) return JSON.parse(readFileSync(marker, "utf8")) as Subsystem;
  rmSync(root, { recursive: true, force: true });
  mkdirSync(root, { recursive: true });
  const started = performance.now();
  const dir = join(root, "selinux");
  const subsystem = buildSubsystem(dir, {
    upstream: { dir: upstream },
    steps: [
      { kind: "branch", name: "next", from: base },
      {
        kind: "patches",
        branch: "next",
        patches: Array.from({ length: PATCHES }, (_, i) => ({ subject: `selinux: bench patch ${i + 1}` })),
      },
    ],
  });
  writeFileSync(join(root, "config.yml"), "subsystem: selinux\n");
  const remote = join(root, "remote.git");
  git(root, ["clone", "-q", "--bare", dir, remote]);
  git(dir, ["remote", "add", "origin", remote]);
  git(dir, ["fetch", "-q", "origin"]);
  // 2 days after the target rc1: the cycle in which next is rebased onto it.
  const ontoDate = git(upstream, ["log", "-1", "--format=%ct", `refs/tags/${onto}`]).trim();
  const at = new Date((Number(ontoDate) + 2 * 86400) * 1000).toISOString();
  const made: Subsystem = { dir, remote, old: subsystem.branches.get("next")!, onto, at };
  writeFileSync(marker, JSON.stringify(made));
  console.log(
    `subsystem clone with next = ${base} + ${PATCHES} patches, built in ${seconds(performance.now() - started)}`,
  );
  return made;
}

/** Puts next back where it was, here and on the remote, and drops backups (each rebase run starts the same). */
function reset(sub: Subsystem): void {
  git(sub.dir, ["update-ref", "refs/heads/next", sub.old]);
  git(sub.remote, ["update-ref", "refs/heads/next", sub.old]);
  for (const ref of git(sub.remote, ["for-each-ref", "--format=%(refname)", "refs/merge-window/"]).split("\n")) {
    if (ref) git(sub.remote, ["update-ref", "-d", ref]);
  }
}

/** One in-process CLI command; returns its wall time, the git argv it spawned and git's time per subcommand. */
async function cli(sub: Subsystem, args: readonly string[]) {
  const spawns: string[][] = [];
  const gitMs = new Map<string, number>();
  let stdout = "";
  let stderr = "";
  observeGit((command, ms) => gitMs.set(command, (gitMs.get(command) ?? 0) + ms));
  const started = performance.now();
  const code = await main([...args, "--repo", sub.dir, "--config", join(sub.dir, "..", "config.yml"), "--at", sub.at], {
    stdout: (text) => void (stdout += text),
    stderr: (text) => void (stderr += text),
    onSpawn: (argv) => void spawns.push([...argv]),
  });
  const ms = performance.now() - started;
  observeGit(null);
  if (code !== 0) throw new Error(`merge-window ${args.join(" ")} failed (${code}): ${stderr}${stdout}`);
  return { ms, spawns, stdout, gitMs };
}

function top(gitMs: ReadonlyMap<string, number>): string {
  return [...gitMs]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 4)
    .map(([command, ms]) => `${command} ${ms.toFixed(0)} ms`)
    .join(", ");
}

/** The same git argv run directly, one after the other. */
function replay(dir: string, commands: readonly string[][]): number {
  const env = buildGitEnv();
  const started = performance.now();
  for (const argv of commands) spawnSync("git", argv, { cwd: dir, env, stdio: "ignore", maxBuffer: 1 << 28 });
  return performance.now() - started;
}

/** What a maintainer does by hand: a full worktree of next, `git rebase`; the worktree removal timed apart. */
function byHand(sub: Subsystem): { add: number; rebase: number; remove: number } {
  const dir = join(ROOT, `by-hand-worktree-${process.pid}`);
  rmSync(dir, { recursive: true, force: true });
  const t0 = performance.now();
  git(sub.dir, ["worktree", "add", "-q", "--detach", dir, sub.old]);
  const t1 = performance.now();
  git(dir, ["rebase", "-q", `refs/tags/${sub.onto}`]);
  const t2 = performance.now();
  git(sub.dir, ["worktree", "remove", "--force", dir]);
  return { add: t1 - t0, rebase: t2 - t1, remove: performance.now() - t2 };
}

/**
 * The floor on git 2.39 (no merge-tree --merge-base): per commit, `commit-tree` a stand-in (the replayed tree on
 * the original parent), `merge-tree --write-tree` it with the commit, `commit-tree` the copy. Scripted bare.
 */
function floor(sub: Subsystem): number {
  const env = buildGitEnv();
  const run = (args: readonly string[]) =>
    execFileSync("git", [...IDENTITY, ...args], { cwd: sub.dir, env, encoding: "utf8" }).trim();
  const started = performance.now();
  const commits = run(["rev-list", "--reverse", "--no-merges", `refs/tags/${sub.onto}..${sub.old}`]).split("\n");
  let head = run(["rev-parse", `refs/tags/${sub.onto}^{commit}`]);
  let tree = run(["rev-parse", `${head}^{tree}`]);
  for (const commit of commits) {
    const standIn = run(["commit-tree", tree, "-p", `${commit}^`, "-m", "stand-in"]);
    tree = run(["merge-tree", "--write-tree", standIn, commit]).split("\n")[0]!;
    head = run(["commit-tree", tree, "-p", head, "-m", commit]);
  }
  return performance.now() - started;
}

/** The trial alone, as advise-rebase runs it: replayOnto with the app's runner. */
async function trialAlone(sub: Subsystem): Promise<{ ms: number; processes: number }> {
  const spawned: string[][] = [];
  const runner = createGitRunner(sub.dir, { onSpawn: (argv) => void spawned.push([...argv]) });
  const onto = git(sub.dir, ["rev-parse", `refs/tags/${sub.onto}^{commit}`]).trim();
  const started = performance.now();
  const outcome = await replayOnto(runner, onto, sub.old, { name: "Paul Moore", email: "paul@paul-moore.com" });
  const ms = performance.now() - started;
  if (!("trial" in outcome) || !outcome.trial.clean) throw new Error(`trial: ${JSON.stringify(outcome)}`);
  return { ms, processes: spawned.length };
}

const TARGET = 0.05;
/** One comparable line, the same shape in every bench (bench/run-all.mjs collects them). */
function result(name: string, ours: number, rawName: string, raw: number, target: number): string {
  const ratio = ours / raw;
  return (
    `result: ${name}: ours ${seconds(ours)} vs ${rawName} ${seconds(raw)}: ${ratio.toFixed(3)}× ` +
    `(target ≤ ${target}×): ${ratio <= target ? "met" : "not met"}`
  );
}

const upstream = await openUpstream();
const sub = openSubsystem(upstream);
reset(sub);
console.log(
  `next: ${PATCHES} patches at ${sub.old.slice(0, 12)}, onto ${sub.onto}, --at ${sub.at}; ` +
    `median of ${RUNS} (status: ${STATUS_RUNS})`,
);
console.log(
  `load average at start: ${loadavg()
    .map((n) => n.toFixed(2))
    .join(" ")} (${availableParallelism()} cores)`,
);

await cli(sub, ["status", "--json"]); // warm-up: page cache, upstream fetch
const status = { cli: [] as number[], raw: [] as number[], processes: 0 };
// A status takes a few hundred ms, where the noise of a shared machine is tens: more runs for its median.
for (let i = 0; i < STATUS_RUNS; i++) {
  const run = await cli(sub, ["status", "--json"]);
  status.cli.push(run.ms);
  status.raw.push(replay(sub.dir, run.spawns));
  status.processes = run.spawns.length;
}

// Interleaved, so the other load on the machine falls on each the same way.
const hand = { add: [] as number[], rebase: [] as number[], remove: [] as number[], total: [] as number[] };
const trial = { ms: [] as number[], processes: 0 };
const floors: number[] = [];
const advise = { cli: [] as number[], top: "" };
for (let i = 0; i < RUNS; i++) {
  const run = byHand(sub);
  hand.add.push(run.add);
  hand.rebase.push(run.rebase);
  hand.remove.push(run.remove);
  hand.total.push(run.add + run.rebase);
  const alone = await trialAlone(sub);
  trial.ms.push(alone.ms);
  trial.processes = alone.processes;
  floors.push(floor(sub));
  const cliRun = await cli(sub, ["advise-rebase", "--onto", sub.onto, "--json"]);
  const advised = (JSON.parse(cliRun.stdout) as { trial: { clean: boolean; worktreeReason?: string } | null }).trial;
  if (!advised?.clean || advised.worktreeReason)
    throw new Error(`advise-rebase: unexpected trial ${JSON.stringify(advised)}`);
  advise.cli.push(cliRun.ms);
  advise.top = top(cliRun.gitMs);
}

const rebase = { cli: [] as number[], top: "" };
for (let i = 0; i < (process.env.MW_BENCH_REBASE === "0" ? 0 : RUNS); i++) {
  reset(sub);
  const run = await cli(sub, ["rebase", "--onto", sub.onto, "--yes", "--json"]);
  if ((JSON.parse(run.stdout) as { status: string }).status !== "rebased") throw new Error(`rebase: ${run.stdout}`);
  rebase.cli.push(run.ms);
  rebase.top = top(run.gitMs);
}
reset(sub);

const ratio = (ms: number, base: number) => `${(ms / base).toFixed(3)}×`;
const s = median(status.cli);
const r = median(status.raw);
const h = median(hand.total);
const t = median(trial.ms);
const f = median(floors);
const a = median(advise.cli);
console.log(
  [
    `status:        merge-window ${seconds(s)} vs the same ${status.processes} git commands run bare ${seconds(r)}: ` +
      `${ratio(s, r)} (target ≤ 1.2×)`,
    `by hand:       git worktree add + git rebase ${seconds(h)} (add ${seconds(median(hand.add))}, ` +
      `rebase ${seconds(median(hand.rebase))}; worktree remove, not counted, ${seconds(median(hand.remove))})`,
    `floor:         commit-tree + merge-tree + commit-tree per commit, scripted: ${seconds(f)} = ${ratio(f, h)}`,
    `trial:         replayOnto alone ${seconds(t)} = ${ratio(t, h)} (${trial.processes} git processes)`,
    `advise-rebase: ${seconds(a)} = ${ratio(a, h)} (observe + trial); git time: ${advise.top}`,
    rebase.cli.length === 0
      ? "rebase:        skipped (MW_BENCH_REBASE=0)"
      : `rebase:        ${seconds(median(rebase.cli))} = ${ratio(median(rebase.cli), h)} ` +
        `(observe + trial + replay + checks + 2 pushes); git time: ${rebase.top}`,
    result("status", s, "the same git commands bare", r, 1.2),
    result("trial rebase", t, "worktree add + git rebase", h, TARGET),
    result("advise-rebase", a, "worktree add + git rebase", h, TARGET),
    `load average at end: ${loadavg()
      .map((n) => n.toFixed(2))
      .join(" ")}`,
  ].join("\n"),
);
