// A kernel-shaped upstream for benches: ≥ 1M commits, ~80k files in thousands of directories, merges of topic
// branches, tags v3.0 … v6.9 at the real release cadence; streamed through one `git fast-import`, cached.
// MW_BENCH_COMMITS: another size (e.g. 200000 for a quick build); the cache is keyed by the whole shape.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { buildGitEnv } from "../src/adapters/git/runner.ts";
import { buildReleaseTags, readKernelReleases, type ReleaseTag } from "../src/sandbox/scenario-releases.ts";
import { LINUS, SUBSYSTEM_AUTHORS, UPSTREAM_AUTHORS } from "../src/sandbox/scenario-people.ts";
import { parseGitTime, type GitTime, type Person } from "../src/sandbox/scenario-time.ts";
import { renderMakefile, renderSourceFile, UPSTREAM_FILES } from "../src/sandbox/scenario-tree.ts";

export interface KernelTreeShape {
  /** Commits on master in total, merges included (at least). */
  readonly commits: number;
  readonly files: number;
  readonly directories: number;
  /** Release tags from the real table, inclusive. */
  readonly from: string;
  readonly to: string;
}

export const KERNEL_SHAPE: KernelTreeShape = {
  commits: Number(process.env.MW_BENCH_COMMITS ?? 1_000_000),
  files: 79_659,
  directories: 6_556,
  from: "v3.0",
  to: "v6.9",
};

export interface KernelTree {
  /** A bare repository; branch `master`, annotated tags by Linus. */
  readonly dir: string;
  readonly commits: number;
  readonly merges: number;
  readonly files: number;
  readonly directories: number;
  readonly tags: number;
  readonly buildSeconds: number;
}

/** The tree in `dir` from a previous complete build, or builds it (minutes) and says how long that took. */
export async function openKernelTree(dir: string, shape: KernelTreeShape = KERNEL_SHAPE): Promise<KernelTree> {
  const marker = join(dir, "kernel-tree.json");
  if (existsSync(marker)) {
    const cached = JSON.parse(readFileSync(marker, "utf8")) as KernelTree & { shape: KernelTreeShape };
    if (JSON.stringify(cached.shape) === JSON.stringify(shape)) return cached;
  }
  // The cache is shared: never wipe a build another process is still running (its pid in `<dir>.building`).
  const lock = `${dir}.building`;
  const builder = existsSync(lock) ? Number(readFileSync(lock, "utf8").trim()) : 0;
  if (builder > 0 && builder !== process.pid && isAlive(builder)) {
    throw new Error(`${dir}: process ${builder} is still building it; wait, or pass MW_BENCH_UPSTREAM=${dir}`);
  }
  writeFileSync(lock, String(process.pid));
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const started = performance.now();
  spawnSync("git", ["init", "-q", "--bare", "--initial-branch=master", dir], { env: buildGitEnv() });
  const counts = await streamHistory(dir, shape);
  const imported = (performance.now() - started) / 1000;
  console.log(`  fast-import done after ${imported.toFixed(0)} s; writing the commit-graph (with changed paths)`);
  const graph = spawnSync("git", ["commit-graph", "write", "--reachable", "--changed-paths"], {
    cwd: dir,
    env: buildGitEnv(),
    stdio: "inherit",
  });
  if (graph.status !== 0) throw new Error(`git commit-graph write failed (${graph.status}) in ${dir}`);
  const tree: KernelTree = { dir, ...counts, buildSeconds: (performance.now() - started) / 1000 };
  writeFileSync(marker, JSON.stringify({ ...tree, shape }));
  rmSync(lock, { force: true });
  return tree;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** mulberry32: a small deterministic PRNG, so every build is the same history. */
function createRandom(seed: number): (n: number) => number {
  let state = seed >>> 0;
  return (n) => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return Math.floor((((t ^ (t >>> 14)) >>> 0) / 4294967296) * n);
  };
}

const TOP_DIRS = ["arch", "drivers", "fs", "net", "sound", "include", "kernel", "mm", "tools", "lib", "crypto"];

/** Directories grown under kernel-like top-level ones, at most 24 children each and 6 deep (like the kernel's). */
function buildLayout(shape: KernelTreeShape, random: (n: number) => number): { dirs: string[]; files: string[] } {
  const dirs: string[] = [];
  const depth = new Map<string, number>();
  const children = new Map<string, number>();
  const open = [...TOP_DIRS];
  for (const top of TOP_DIRS) depth.set(top, 1);
  while (dirs.length < shape.directories - TOP_DIRS.length) {
    const at = random(open.length);
    const parent = open[at]!;
    const name = `${parent}/${["core", "drv", "hw", "sub", "x", "ctl", "io"][random(7)]}${random(100)}`;
    if (depth.has(name)) continue;
    depth.set(name, depth.get(parent)! + 1);
    dirs.push(name);
    if (depth.get(name)! < 6) open.push(name);
    children.set(parent, (children.get(parent) ?? 0) + 1);
    if (children.get(parent)! >= 24) open.splice(at, 1);
  }
  const all = [...TOP_DIRS, ...dirs];
  const fixed = new Set([...UPSTREAM_FILES, "Makefile"]);
  const files = [...fixed];
  const seen = new Set(files);
  while (files.length < shape.files) {
    const dir = all[random(all.length)]!;
    const path = `${dir}/${["main", "core", "util", "dev", "ops", "irq", "dma"][random(7)]}${random(60)}.c`;
    if (seen.has(path)) continue;
    seen.add(path);
    files.push(path);
  }
  return { dirs: all, files };
}

/** Writes a fast-import stream into `git fast-import` as it is generated (backpressure honoured). */
async function streamHistory(
  dir: string,
  shape: KernelTreeShape,
): Promise<{ commits: number; merges: number; files: number; directories: number; tags: number }> {
  const random = createRandom(0x6b65726e);
  const layout = buildLayout(shape, random);
  const touchable = layout.files.filter((path) => !path.startsWith("security/") && path !== "Makefile");
  const releases = buildReleaseTags(readKernelReleases(), { from: shape.from, to: shape.to });
  const child = spawn("git", ["fast-import", "--quiet", "--done", "--active-branches=6"], {
    cwd: dir,
    // glibc's heap trimming made fast-import spend 90% of its time in brk(): keep the heap (10× faster).
    env: buildGitEnv({
      MALLOC_TOP_PAD_: String(256 << 20),
      MALLOC_TRIM_THRESHOLD_: String(1 << 30),
      MALLOC_MMAP_THRESHOLD_: String(1 << 30),
    }),
    stdio: ["pipe", "inherit", "inherit"],
  });
  const exited = new Promise<number>((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code) => resolve(code ?? 1));
  });
  let chunk: string[] = [];
  let chunkBytes = 0;
  const flush = async (): Promise<void> => {
    const data = chunk.join("");
    chunk = [];
    chunkBytes = 0;
    if (!child.stdin.write(data)) await new Promise<void>((resolve) => child.stdin.once("drain", resolve));
  };
  const put = async (text: string): Promise<void> => {
    chunk.push(text);
    chunkBytes += text.length;
    if (chunkBytes > 1 << 20) await flush();
  };
  const data = (text: string): string => `data ${Buffer.byteLength(text)}\n${text}\n`;
  const who = (person: Person, time: GitTime): string => `${person.name} <${person.email}> ${time.epoch} ${time.tz}`;

  const started = performance.now();
  let mark = 0;
  let commits = 0;
  let merges = 0;
  const first = parseGitTime(releases[0]!.date);
  let time: GitTime = { epoch: first.epoch - 60 * 86400, tz: first.tz };
  // The first commit: every file.
  const initial = [`commit refs/heads/master\nmark :${++mark}\n`, `author ${who(LINUS, time)}\n`];
  initial.push(`committer ${who(LINUS, time)}\n${data("Linux-3.0-rc1 tree\n")}`);
  await put(initial.join(""));
  for (const path of layout.files) {
    const content = path === "Makefile" ? renderMakefile("v3.0-rc1") : renderBulkFile(path);
    await put(`M 100644 inline ${path}\n${data(content)}`);
  }
  await put("\n");
  commits++;
  // Four long-lived topic branches (subsystem trees) that Linus merges in turn: every branch stays in
  // fast-import's memory, so no commit reloads a tree from the pack (forking from old commits did, 20× slower).
  const topics = ["net", "drivers", "fs", "arch"];
  const topicStarted = new Set<string>();
  const perRelease = Math.ceil((shape.commits - 1) / releases.length);
  let pull = 0;
  for (const release of releases) {
    const end = parseGitTime(release.date);
    const step = Math.max(1, Math.floor((end.epoch - time.epoch) / (perRelease + 1)));
    let made = 0;
    while (made < perRelease - 1) {
      // One pull: 1–20 commits on a topic branch, then Linus merges it.
      const length = Math.min(1 + random(20), perRelease - 1 - made);
      const topic = topics[pull++ % topics.length]!;
      const changed = new Map<string, string>();
      for (let i = 0; i < length; i++) {
        time = { epoch: time.epoch + step, tz: end.tz };
        const author = UPSTREAM_AUTHORS[(commits + i) % UPSTREAM_AUTHORS.length]!;
        const committer = SUBSYSTEM_AUTHORS[commits % SUBSYSTEM_AUTHORS.length]!;
        const lines = [`commit refs/heads/${topic}\nmark :${++mark}\n`, `author ${who(author, time)}\n`];
        lines.push(`committer ${who(committer, time)}\n`);
        const subject = `${topic}: change ${commits}\n\nSigned-off-by: ${author.name} <${author.email}>\n`;
        lines.push(data(subject), topicStarted.has(topic) ? "" : "from :1\n");
        topicStarted.add(topic);
        for (let f = 1 + random(3); f > 0; f--) {
          const path = touchable[random(touchable.length)]!;
          const content = `${renderBulkFile(path)}/* change ${commits} */\n`;
          changed.set(path, content);
          lines.push(`M 100644 inline ${path}\n${data(content)}`);
        }
        await put(`${lines.join("")}\n`);
        commits++;
      }
      time = { epoch: time.epoch + step, tz: end.tz };
      const merge = [`commit refs/heads/master\nmark :${++mark}\n`, `author ${who(LINUS, time)}\n`];
      merge.push(`committer ${who(LINUS, time)}\n${data(`Merge branch '${topic}-${commits}'\n`)}`);
      merge.push(`merge :${mark - 1}\n`);
      for (const [path, content] of changed) merge.push(`M 100644 inline ${path}\n${data(content)}`);
      await put(`${merge.join("")}\n`);
      commits++;
      merges++;
      made += length + 1;
    }
    time = end;
    const title = `Linux ${release.tag.replace(/^v/, "")}`;
    const lines = [`commit refs/heads/master\nmark :${++mark}\n`, `author ${who(LINUS, end)}\n`];
    lines.push(`committer ${who(LINUS, end)}\n${data(`${title}\n`)}`);
    lines.push(`M 100644 inline Makefile\n${data(renderMakefile(release.tag))}\n`);
    await put(lines.join(""));
    await put(`tag ${release.tag}\nfrom :${mark}\ntagger ${who(LINUS, end)}\n${data(`${title}\n`)}`);
    commits++;
    if (release.tag.endsWith("-rc1")) {
      const seconds = ((performance.now() - started) / 1000).toFixed(0);
      console.log(`  … ${release.tag}: ${commits} commits streamed after ${seconds} s`);
    }
  }
  for (const topic of topics) await put(`reset refs/heads/${topic}\nfrom ${"0".repeat(40)}\n\n`);
  await put("done\n");
  await flush();
  child.stdin.end();
  const code = await exited;
  if (code !== 0) throw new Error(`git fast-import failed (${code}) in ${dir}`);
  return { commits, merges, files: layout.files.length, directories: layout.dirs.length, tags: releases.length };
}

/** Small pseudo-C for bulk files; the subsystem's own files get the fixtures' fuller text. */
function renderBulkFile(path: string): string {
  return UPSTREAM_FILES.includes(path)
    ? renderSourceFile(path)
    : `// SPDX-License-Identifier: GPL-2.0\n/* ${path} */\n`;
}

export type { ReleaseTag };
