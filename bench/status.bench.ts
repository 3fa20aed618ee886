// `npm run bench`: `merge-window status` on a 200k-commit repository versus the bare git commands a maintainer
// would run for the same facts (status's own reads of tags, ranges, signatures and branches, replayed one after
// the other, with the fetch of upstream's tags he would run too, without its bookkeeping: locating the clone,
// finding the upstream remote, the commit-graph hint), and the number of git processes it spawns on a small and
// on the large repository (must be equal: O(1) in history).
// The large repository is built once and cached in $TMPDIR/merge-window-bench-v1 (delete it to rebuild).
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildGitEnv } from "../src/adapters/git/runner.ts";
import { main } from "../src/cli/main.ts";
import {
  buildLargeUpstream,
  buildReleaseTags,
  buildSubsystem,
  buildUpstream,
  PAUL,
  readKernelReleases,
  type SubsystemStep,
  type UpstreamRepo,
} from "../tests/fixtures/kernel-repo.ts";
import { createGpgKey, stopGpgAgent, type GpgKey } from "../tests/fixtures/keys.ts";

const RUNS = 5;
const AT = "2024-04-02T12:00:00Z";
const CACHE = join(tmpdir(), "merge-window-bench-v1");
const RANGE = { from: "v5.0", to: "v6.9-rc2" };

/** The same subsystem on both upstreams: next with 50 patches, stable-6.9, a signed PR tag and a fix. */
function subsystemSteps(key: GpgKey): SubsystemStep[] {
  return [
    { kind: "branch", name: "next", from: "v6.8-rc1" },
    {
      kind: "patches",
      branch: "next",
      patches: Array.from({ length: 50 }, (_, i) => ({ subject: `selinux: bench patch ${i + 1}` })),
    },
    { kind: "branch", name: "stable-6.9", from: "next" },
    {
      kind: "tag",
      name: "selinux-pr-20240312",
      at: "stable-6.9",
      date: "2024-03-12 19:02:11 -0400",
      message: "selinux/stable-6.9 PR 20240312",
      signedBy: key,
    },
    {
      kind: "patches",
      branch: "stable-6.9",
      patches: [{ subject: "selinux: bench fix", date: "2024-03-26 10:00:00 -0400" }],
    },
    {
      kind: "tag",
      name: "selinux-pr-20240327",
      at: "stable-6.9",
      date: "2024-03-27 16:30:00 -0400",
      message: "selinux/stable-6.9 PR 20240327",
      signedBy: key,
    },
    { kind: "branch", name: "next", from: "v6.9-rc1" },
  ];
}

interface BenchRepo {
  readonly dir: string;
  readonly commits: number;
  readonly gnupgHome: string;
}

function buildRepo(root: string, upstream: (dir: string) => UpstreamRepo): BenchRepo {
  mkdirSync(root, { recursive: true });
  const key = createGpgKey(join(root, "keys"), { name: PAUL.name, email: PAUL.email });
  try {
    const built = upstream(join(root, "linux.git"));
    const subsystem = buildSubsystem(join(root, "selinux"), { upstream: built, steps: subsystemSteps(key) });
    writeFileSync(
      join(subsystem.dir, "..", "config.yml"),
      `subsystem: selinux\nsigning:\n  allowedSigners: ["${key.fingerprint}"]\n`,
    );
    return { dir: subsystem.dir, commits: built.commitCount, gnupgHome: key.gnupgHome };
  } finally {
    stopGpgAgent(key);
  }
}

/** The large repository, from the cache when a previous run completed it. */
function openLargeRepo(): BenchRepo {
  const marker = join(CACHE, "ready.json");
  if (existsSync(marker)) return JSON.parse(readFileSync(marker, "utf8")) as BenchRepo;
  rmSync(CACHE, { recursive: true, force: true });
  console.log(`building the 200k-commit repository in ${CACHE} (once) …`);
  const started = performance.now();
  const repo = buildRepo(CACHE, (dir) => buildLargeUpstream(dir, { commits: 200_000, ...RANGE }));
  console.log(`  built in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  writeFileSync(marker, JSON.stringify(repo));
  return repo;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/** One in-process `merge-window status --json`; returns the git argv it spawned. */
async function runStatus(repo: BenchRepo): Promise<string[][]> {
  const spawns: string[][] = [];
  let stderr = "";
  const code = await main(
    ["status", "--repo", repo.dir, "--config", join(repo.dir, "..", "config.yml"), "--at", AT, "--json"],
    {
      stdout: () => {},
      stderr: (text) => void (stderr += text),
      env: { GNUPGHOME: repo.gnupgHome },
      onSpawn: (argv) => void spawns.push([...argv]),
    },
  );
  if (code !== 0) throw new Error(`status failed (${code}): ${stderr}`);
  return spawns;
}

/** The same git commands, run directly one after the other. */
function replay(repo: BenchRepo, commands: readonly string[][]): void {
  const env = buildGitEnv({ GNUPGHOME: repo.gnupgHome });
  for (const argv of commands) spawnSync("git", argv, { cwd: repo.dir, env, stdio: "ignore", maxBuffer: 256 << 20 });
}

/**
 * status's own bookkeeping, not a fact a maintainer needs git for: where the clone is, which remote is upstream,
 * whether a commit-graph hint applies. (Fetching upstream's tags is a fact: he would `git fetch upstream` too.)
 */
function isBookkeeping(argv: readonly string[]): boolean {
  return ["rev-parse", "config", "count-objects"].includes(argv[0]!);
}

/** Processes that exist once per checked tag: its refs/signature/branches and its upstream-merge lookup. */
function isPerTag(argv: readonly string[]): boolean {
  return (
    argv.includes("verify-tag") ||
    argv.some((arg) => arg.startsWith("--contains=")) ||
    argv.includes("--ancestry-path") ||
    (argv[0] === "for-each-ref" && argv.some((arg) => arg.includes("%(contents:signature)"))) ||
    (argv[0] === "for-each-ref" && argv.length === 4 && argv[3]!.startsWith("refs/merge-window/upstream/heads/"))
  );
}

async function measure(
  label: string,
  repo: BenchRepo,
  target: string,
): Promise<{ processes: number; perTag: number; statusMs: number; bareMs: number }> {
  const commands = await runStatus(repo); // warm-up: fills the upstream mirror, warms the page cache
  const facts = commands.filter((argv) => !isBookkeeping(argv));
  const statusTimes: number[] = [];
  const bareTimes: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    let started = performance.now();
    await runStatus(repo);
    statusTimes.push(performance.now() - started);
    started = performance.now();
    replay(repo, facts);
    bareTimes.push(performance.now() - started);
  }
  const result = {
    processes: commands.length,
    perTag: commands.filter(isPerTag).length,
    statusMs: median(statusTimes),
    bareMs: median(bareTimes),
  };
  console.log(
    `${label}: ${repo.commits} commits; status ${result.statusMs.toFixed(0)} ms, ` +
      `bare git ${result.bareMs.toFixed(0)} ms (${facts.length} of its processes) ` +
      `(ratio ${(result.statusMs / result.bareMs).toFixed(2)}×${target}); ` +
      `${result.processes} git processes, ${result.perTag} of them per tag`,
  );
  return result;
}

const scratch = mkdtempSync(join(tmpdir(), "mw-bench-status-"));
try {
  const small = buildRepo(scratch, (dir) =>
    buildUpstream(dir, { releases: buildReleaseTags(readKernelReleases(), { from: "v6.7", to: RANGE.to }) }),
  );
  const large = openLargeRepo();
  console.log(
    `merge-window status --at ${AT}, median of ${RUNS} runs each (in-process; bare = its fact-reading git argv ` +
      `replayed one after the other with child_process):`,
  );
  const a = await measure("small", small, "; fixed per-process overhead dominates");
  const b = await measure("large", large, ", target ≤ 1.2×");
  console.log(
    `git processes: small ${a.processes}, large ${b.processes}: ` +
      (a.processes === b.processes ? "equal (O(1) in history)" : "NOT EQUAL"),
  );
  console.log(
    `per-tag processes (tag verification + upstream-merge lookup): ${b.perTag}, for the 2 family tags within ` +
      `the cycle horizon; bounded by the cycle's tags, not by commits`,
  );
  if (a.processes !== b.processes) process.exitCode = 1;
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
