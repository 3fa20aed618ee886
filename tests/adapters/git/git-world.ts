// A throwaway world for git-layer tests: upstream "linux", the subsystem's bare origin, a maintainer clone, the app's
// clone.
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { buildGitEnv } from "../../../src/adapters/git/runner.ts";
import { createGitLayer, type GitLayer, type GitLayerOptions } from "../../../src/adapters/git/index.ts";
import { buildUpstream, type ReleaseTag, type UpstreamRepo } from "../../fixtures/kernel-repo.ts";

export const MAINTAINER = ["-c", "user.name=Paul Moore", "-c", "user.email=paul@paul-moore.com"];

/** Runs git in `dir` with a GIT_*-free environment and a fixed identity. */
export function git(
  dir: string,
  args: readonly string[],
  options: { env?: Record<string, string>; input?: string } = {},
): string {
  return execFileSync("git", [...MAINTAINER, ...args], {
    cwd: dir,
    env: buildGitEnv(options.env ?? {}),
    encoding: "utf8",
    input: options.input ?? "",
    stdio: ["pipe", "pipe", "pipe"],
  }).trim();
}

export const RELEASES: readonly ReleaseTag[] = [
  { tag: "v6.7", date: "2024-01-07 12:00:00 -0800" },
  { tag: "v6.8-rc1", date: "2024-01-21 14:11:32 -0800" },
  { tag: "v6.8-rc2", date: "2024-01-28 17:00:00 -0800" },
];

export interface World {
  readonly root: string;
  readonly upstream: UpstreamRepo;
  /** The subsystem's bare repository ("GitHub"). */
  readonly origin: string;
  /** A maintainer's working clone of origin with upstream fetched. */
  readonly maint: string;
  /** The app's clone of origin. */
  readonly app: string;
  /** argv of every git process the layer spawned. */
  readonly spawns: string[][];
  layer(options?: Partial<GitLayerOptions>): GitLayer;
  /** Writes `files` in the maintainer clone, commits on the current branch, returns the commit. */
  commit(message: string, files: Record<string, string>): string;
  /** Pushes the maintainer's `branch` to origin (fast-forward only). */
  push(branch: string): void;
  /** Linus commits `files` on upstream master and, with `tag`, tags it (annotated); returns the commit. */
  upstreamCommit(message: string, files: Record<string, string>, tag?: string): string;
  sha(rev: string, dir?: string): string;
  cleanup(): void;
}

export interface WorldSpec {
  readonly releases?: readonly ReleaseTag[];
  /** The upstream tag next starts from. */
  readonly nextBase?: string;
  readonly filler?: number;
  readonly subsystemTouchEvery?: number;
}

/** upstream (fast-import) + origin with `next` at `nextBase` + maintainer and app clones. */
export function createWorld(spec: WorldSpec = {}): World {
  const root = mkdtempSync(join(tmpdir(), "mw-git-layer-"));
  const upstream = buildUpstream(join(root, "linux.git"), {
    releases: spec.releases ?? RELEASES,
    filler: spec.filler ?? 6,
    ...(spec.subsystemTouchEvery ? { subsystemTouchEvery: spec.subsystemTouchEvery } : {}),
  });
  const origin = join(root, "selinux.git");
  const maint = join(root, "maint");
  const app = join(root, "app");
  execFileSync("git", ["init", "-q", "--bare", origin], { env: buildGitEnv() });
  execFileSync("git", ["init", "-q", maint], { env: buildGitEnv() });
  git(maint, ["remote", "add", "origin", origin]);
  git(maint, ["fetch", "-q", upstream.dir, "refs/heads/master:refs/remotes/linus/master", "refs/tags/*:refs/tags/*"]);
  git(maint, ["checkout", "-q", "-b", "next", spec.nextBase ?? "v6.8-rc1"]);
  git(maint, ["push", "-q", "origin", "next"]);
  git(origin, ["symbolic-ref", "HEAD", "refs/heads/next"]);
  execFileSync("git", ["clone", "-q", origin, app], { env: buildGitEnv() });
  const spawns: string[][] = [];
  return {
    root,
    upstream,
    origin,
    maint,
    app,
    spawns,
    layer: (options = {}) =>
      createGitLayer({
        repoDir: app,
        upstream: { kind: "url", url: upstream.dir },
        identity: { name: "merge-window", email: "merge-window@example.org" },
        onSpawn: (argv) => spawns.push([...argv]),
        ...options,
      }),
    commit(message, files) {
      for (const [path, content] of Object.entries(files)) {
        mkdirSync(dirname(join(maint, path)), { recursive: true });
        writeFileSync(join(maint, path), content);
        git(maint, ["add", "--", path]);
      }
      git(maint, ["commit", "-q", "-m", message]);
      return git(maint, ["rev-parse", "HEAD"]);
    },
    upstreamCommit(message, files, tag) {
      const current = git(maint, ["symbolic-ref", "--short", "HEAD"]);
      git(maint, ["fetch", "-q", upstream.dir, "refs/heads/master:refs/remotes/linus/master"]);
      git(maint, ["checkout", "-q", "--detach", "linus/master"]);
      const commit = this.commit(message, files);
      if (tag) git(maint, ["tag", "-a", "-m", `Linux ${tag.slice(1)}`, tag]);
      git(maint, ["push", "-q", upstream.dir, "HEAD:refs/heads/master", ...(tag ? [`refs/tags/${tag}`] : [])]);
      git(maint, ["fetch", "-q", upstream.dir, "refs/heads/master:refs/remotes/linus/master"]);
      git(maint, ["checkout", "-q", current]);
      return commit;
    },
    push(branch) {
      git(maint, ["push", "-q", "origin", `refs/heads/${branch}:refs/heads/${branch}`]);
    },
    sha(rev, dir = origin) {
      return git(dir, ["rev-parse", "--verify", "--end-of-options", rev]);
    },
    cleanup() {
      rmSync(root, { recursive: true, force: true });
    },
  };
}

/** The first lines of an upstream file as the fixture wrote it, with line `n` replaced. */
export function editLine(content: string, n: number, replacement: string): string {
  const lines = content.split("\n");
  lines[n] = replacement;
  return lines.join("\n");
}
