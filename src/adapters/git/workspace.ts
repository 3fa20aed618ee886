// The app's git workspaces: one bare mirror per repository (refs/heads and refs/tags as on GitHub) and one
// shared mirror per upstream URL, so a single upstream fetch serves every repository that follows it.
import { createHash } from "node:crypto";
import { mkdirSync, existsSync } from "node:fs";
import { join } from "node:path";
import { createGitRunner, type GitRunner } from "./runner.ts";
import { assertUpstreamUrl } from "./inputs.ts";

export interface WorkspaceOptions {
  /** Where mirrors live (MERGE_WINDOW_CACHE, default ~/.cache/merge-window). */
  readonly cacheDir: string;
  readonly onSpawn?: (argv: readonly string[]) => void;
}

export interface RepoWorkspace {
  readonly dir: string;
  /** Mirrors branches and tags from the repository, and upstream's version tags from its shared mirror. */
  sync(): Promise<void>;
}

function bareRepo(dir: string, onSpawn?: (argv: readonly string[]) => void): { git: GitRunner; created: boolean } {
  const created = !existsSync(join(dir, "HEAD"));
  mkdirSync(dir, { recursive: true });
  return { git: createGitRunner(dir, onSpawn ? { onSpawn } : {}), created };
}

function upstreamMirrorDir(url: string, options: WorkspaceOptions): string {
  return join(options.cacheDir, "upstream", `${createHash("sha256").update(url).digest("hex").slice(0, 16)}.git`);
}

/** The upstream mirror's directory, fetched only if it does not exist yet (webhook runs reuse the poll's fetch). */
export async function ensureUpstreamMirror(url: string, branch: string, options: WorkspaceOptions): Promise<string> {
  const dir = upstreamMirrorDir(url, options);
  if (existsSync(join(dir, "refs", "heads", branch)) || existsSync(join(dir, "packed-refs"))) return dir;
  return syncUpstreamMirror(url, branch, options);
}

/** The version tags of an upstream mirror, as its last fetch saw them. */
export async function listUpstreamTags(dir: string): Promise<string[]> {
  const out = await createGitRunner(dir).run(["for-each-ref", "--format=%(refname:strip=2)", "refs/tags/"]);
  return out.split("\n").filter(Boolean);
}

/**
 * Fetches the shared mirror of an upstream (Linus' tree), tags and the main branch, once per poll; returns its
 * directory.
 */
export async function syncUpstreamMirror(url: string, branch: string, options: WorkspaceOptions): Promise<string> {
  const source = assertUpstreamUrl(url);
  const dir = upstreamMirrorDir(url, options);
  const { git, created } = bareRepo(dir, options.onSpawn);
  if (created) await git.run(["init", "--quiet", "--bare"]);
  // A blobless partial clone: merge-window reads refs, commits and paths, not file contents.
  await git.run([
    "fetch",
    "--quiet",
    "--prune",
    "--no-tags",
    "--filter=blob:none",
    "--end-of-options",
    source,
    "+refs/tags/v*:refs/tags/v*",
    `+refs/heads/${branch}:refs/heads/${branch}`,
  ]);
  return dir;
}

/** `git config --list -z` → lower-cased key → values (a key may repeat). */
function parseConfigList(out: string): Map<string, string[]> {
  const entries = new Map<string, string[]>();
  for (const record of out.split("\0")) {
    if (!record) continue;
    const newline = record.indexOf("\n");
    const key = (newline < 0 ? record : record.slice(0, newline)).toLowerCase();
    entries.set(key, [...(entries.get(key) ?? []), newline < 0 ? "" : record.slice(newline + 1)]);
  }
  return entries;
}

/**
 * A repository's mirror. `cloneUrl` is GitHub's (or the sandbox's) https URL; the installation token goes
 * into the mirror's own config as an Authorization header, never into argv or the URL.
 */
export async function openRepoWorkspace(
  input: { owner: string; repo: string; cloneUrl: string; token: string; upstreamDir: string },
  options: WorkspaceOptions,
): Promise<RepoWorkspace> {
  if (!/^[A-Za-z0-9_.-]+$/.test(input.owner) || !/^[A-Za-z0-9_.-]+$/.test(input.repo)) {
    throw new Error(`repository ${input.owner}/${input.repo}: unexpected characters in the name`);
  }
  const url = assertUpstreamUrl(input.cloneUrl);
  const dir = join(options.cacheDir, "repos", input.owner, `${input.repo}.git`);
  const { git, created } = bareRepo(dir, options.onSpawn);
  if (created) await git.run(["init", "--quiet", "--bare"]);
  // Only what changed is written: simple-git waits 50 ms after every git that prints nothing, and four silent
  // config writes per run were most of a run's time. `--list` prints (init.* at least), so reading costs no wait.
  const current = parseConfigList(await git.run(["config", "--local", "--list", "-z"]));
  const basic = Buffer.from(`x-access-token:${input.token}`).toString("base64");
  const header = `Authorization: Basic ${basic}`;
  if (!current.has("remote.origin.url")) await git.run(["remote", "add", "--", "origin", url]);
  else if (current.get("remote.origin.url")?.join("\n") !== url)
    await git.run(["remote", "set-url", "--", "origin", url]);
  if (current.get("http.extraheader")?.join("\n") !== header)
    await git.run(["config", "--local", "--replace-all", "http.extraHeader", header]);
  if (current.get("user.name")?.join("\n") !== "merge-window")
    await git.run(["config", "--local", "user.name", "merge-window"]);
  if (current.get("user.email")?.join("\n") !== "merge-window@users.noreply.github.com") {
    await git.run(["config", "--local", "user.email", "merge-window@users.noreply.github.com"]);
  }
  return {
    dir,
    async sync() {
      await git.run([
        "fetch",
        "--quiet",
        "--prune",
        "--no-tags",
        "--end-of-options",
        "origin",
        "+refs/heads/*:refs/heads/*",
        "+refs/tags/*:refs/tags/*",
      ]);
      await git.run([
        "fetch",
        "--quiet",
        "--no-tags",
        "--end-of-options",
        input.upstreamDir,
        "+refs/tags/v*:refs/tags/v*",
      ]);
    },
  };
}
