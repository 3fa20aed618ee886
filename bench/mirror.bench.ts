// The app's mirrors on a 200k-commit upstream served over git:// (filters honoured): the shared upstream mirror,
// then the first sync of one more subsystem repository (alternates + blobless) — time and disk of each, beside
// the mirror each repository used to make (a full fetch, nothing shared) and the same result by raw git.
// Runs alone: node --import tsx bench/mirror.bench.ts. Reuses status.bench.ts's cached repository when present.
import { execFileSync } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join } from "node:path";
import { buildGitEnv } from "../src/adapters/git/runner.ts";
import { openRepoWorkspace, syncUpstreamMirror } from "../src/adapters/git/workspace.ts";
import { startGitDaemon } from "../tests/fixtures/git-daemon.ts";
import { buildLargeUpstream, buildSubsystem } from "../tests/fixtures/kernel-repo.ts";

const STATUS_CACHE = join(tmpdir(), "merge-window-bench-v1");
const OWN_CACHE = join(tmpdir(), "merge-window-mirror-bench-v1");

/** The subsystem clone (its .git holds upstream's history, tags and the subsystem's branches) and its upstream. */
function openRepos(): { subsystem: string; upstream: string; commits: number } {
  for (const cache of [STATUS_CACHE, OWN_CACHE]) {
    const marker = join(cache, "ready.json");
    if (!existsSync(marker)) continue;
    const ready = JSON.parse(readFileSync(marker, "utf8")) as { dir: string; commits: number };
    return { subsystem: ready.dir, upstream: join(cache, "linux.git"), commits: ready.commits };
  }
  rmSync(OWN_CACHE, { recursive: true, force: true });
  mkdirSync(OWN_CACHE, { recursive: true });
  console.log(`building a 200k-commit upstream and a subsystem in ${OWN_CACHE} (once) …`);
  const upstream = buildLargeUpstream(join(OWN_CACHE, "linux.git"), { commits: 200_000 });
  const subsystem = buildSubsystem(join(OWN_CACHE, "selinux"), {
    upstream,
    steps: [
      { kind: "branch", name: "next", from: "v6.9-rc1" },
      {
        kind: "patches",
        branch: "next",
        patches: Array.from({ length: 100 }, (_, i) => ({ subject: `selinux: bench patch ${i + 1}` })),
      },
    ],
  });
  writeFileSync(join(OWN_CACHE, "ready.json"), JSON.stringify({ dir: subsystem.dir, commits: upstream.commitCount }));
  return { subsystem: subsystem.dir, upstream: upstream.dir, commits: upstream.commitCount };
}

/** Bytes allocated on disk under `path` (like `du -s`). */
function diskBytes(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.blocks * 512;
  return readdirSync(path).reduce((sum, name) => sum + diskBytes(join(path, name)), stat.blocks * 512);
}

const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(2)} MiB`;

function git(dir: string, args: readonly string[]): string {
  return execFileSync("git", args, { cwd: dir, env: buildGitEnv(), encoding: "utf8", maxBuffer: 64 << 20 });
}

async function timed<T>(work: () => Promise<T> | T): Promise<{ value: T; ms: number }> {
  const started = performance.now();
  const value = await work();
  return { value, ms: performance.now() - started };
}

const repos = openRepos();
const served = mkdtempSync(join(tmpdir(), "mw-bench-served-"));
const scratch = mkdtempSync(join(tmpdir(), "mw-bench-mirror-"));
// git daemon serves one base path: link both repositories under it.
execFileSync("ln", ["-s", repos.upstream, join(served, "linux.git")]);
execFileSync("ln", ["-s", join(repos.subsystem, ".git"), join(served, "selinux.git")]);
const daemon = await startGitDaemon(served);
try {
  const cacheDir = join(scratch, "cache");
  const upstreamUrl = daemon.url("linux.git");
  const cloneUrl = daemon.url("selinux.git");
  console.log(
    `mirrors of a ${repos.commits}-commit upstream over git:// on loopback (${basename(dirname(repos.upstream))}):`,
  );

  const upstream = await timed(() => syncUpstreamMirror(upstreamUrl, "master", { cacheDir }));
  const upstreamDisk = diskBytes(upstream.value);
  console.log(
    `  upstream mirror (blobless, commit-graph): first fetch ${(upstream.ms / 1000).toFixed(1)} s, ` +
      mib(upstreamDisk),
  );

  const input = { owner: "bench", repo: "selinux", cloneUrl, token: "bench", upstreamDir: upstream.value, upstreamUrl };
  const first = await timed(async () => {
    const workspace = await openRepoWorkspace({ ...input, upstreamBranch: "master" }, { cacheDir });
    await workspace.sync();
    return workspace;
  });
  const repoDisk = diskBytes(first.value.dir);
  const ratio = (100 * repoDisk) / upstreamDisk;
  console.log(
    `  one more subsystem repository, first sync: ${(first.ms / 1000).toFixed(2)} s, ${mib(repoDisk)} ` +
      `= ${ratio.toFixed(2)}% of the upstream mirror's disk (target ≤ 5%)`,
  );
  const again = await timed(() => first.value.sync());
  console.log(`  the same repository, sync with nothing new: ${(again.ms / 1000).toFixed(2)} s`);

  // The same result by raw git: alternates, then one blobless fetch of branches and tags.
  const raw = join(scratch, "raw.git");
  const rawRun = await timed(() => {
    git(scratch, ["init", "-q", "--bare", raw]);
    writeFileSync(join(raw, "objects", "info", "alternates"), `${join(upstream.value, "objects")}\n`);
    git(raw, ["fetch", "-q", "--filter=blob:none", cloneUrl, "+refs/heads/*:refs/heads/*", "+refs/tags/*:refs/tags/*"]);
  });
  console.log(
    `  raw git (alternates + one blobless fetch, no commit-graph): ${(rawRun.ms / 1000).toFixed(2)} s, ` +
      `${mib(diskBytes(raw))}; merge-window/raw ${(first.ms / rawRun.ms).toFixed(2)}×`,
  );

  // What every repository mirror cost before: a full fetch of branches and tags, nothing shared.
  const old = join(scratch, "old.git");
  const oldRun = await timed(() => {
    git(scratch, ["init", "-q", "--bare", old]);
    git(old, ["fetch", "-q", "--no-tags", cloneUrl, "+refs/heads/*:refs/heads/*", "+refs/tags/*:refs/tags/*"]);
  });
  console.log(
    `  before (full fetch, no alternates): ${(oldRun.ms / 1000).toFixed(1)} s, ${mib(diskBytes(old))} ` +
      `= ${((100 * diskBytes(old)) / upstreamDisk).toFixed(0)}% of the upstream mirror's disk`,
  );
  if (ratio > 5) process.exitCode = 1;
} finally {
  await daemon.stop();
  rmSync(scratch, { recursive: true, force: true });
  rmSync(served, { recursive: true, force: true });
}
