// The app's git workspaces: one shared blobless mirror per upstream URL, fetched once per poll, and one bare mirror
// per repository that borrows the upstream mirror's objects (alternates) and fetches only what upstream lacks.
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createGitRunner, type GitRunner } from "./runner.ts";
import { assertSafeRefName } from "../../domain/names.ts";
import { assertUpstreamUrl } from "./inputs.ts";
import { UPSTREAM_HEADS, UPSTREAM_TAGS } from "./refs.ts";

export interface WorkspaceOptions {
  /** Where mirrors live (MERGE_WINDOW_CACHE, default ~/.cache/merge-window). */
  readonly cacheDir: string;
  readonly onSpawn?: (argv: readonly string[]) => void;
}

export interface RepoWorkspace {
  readonly dir: string;
  /**
   * The one network fetch of a repository's sync: its branches and tags from GitHub, blobless, then its
   * commit-graph layer. A caller that knows GitHub's refs are unchanged may skip it and call adoptUpstream alone.
   */
  fetchRepository(): Promise<void>;
  /**
   * Upstream's version tags and main branch, as the shared mirror's last fetch saw them, written as refs here
   * (refs/merge-window/upstream/ and refs/tags/v*). No fetch: the objects are borrowed through alternates.
   */
  adoptUpstream(): Promise<void>;
  /** fetchRepository, adoptUpstream, and the daily maintenance when it is due. */
  sync(): Promise<void>;
}

/** How often a mirror gets `git gc` (its commit-graph is kept current after every fetch). */
export const MAINTENANCE_INTERVAL_MS = 24 * 60 * 60_000;
/** Commit-graph layers an upstream mirror drops stay on disk this long: repository mirrors' chains name them. */
const GRAPH_EXPIRY_SECONDS = 7 * 24 * 60 * 60;
/** gc, a first fetch and a first commit-graph of a kernel-sized mirror take minutes, silently. */
const MAINTENANCE_TIMEOUT_MS = 30 * 60_000;
const STAMP = "merge-window-maintenance";
const CONFIGURED = "merge-window-configured";

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
 * Settings of every mirror: no automatic gc inside a fetch (a full repack of a kernel mirror would run into the
 * fetch's timeout; maintenance does it daily) and no commit-graph from gc (ours are split, with changed paths).
 */
const MIRROR_CONFIG: readonly (readonly [string, string])[] = [
  ["gc.auto", "0"],
  ["maintenance.auto", "false"],
  ["gc.writeCommitGraph", "false"],
  ["fetch.writeCommitGraph", "false"],
];

/**
 * Fetches the shared mirror of an upstream (Linus' tree), tags and the main branch, once per poll; returns its
 * directory.
 */
export async function syncUpstreamMirror(url: string, branch: string, options: WorkspaceOptions): Promise<string> {
  const source = assertUpstreamUrl(url);
  assertSafeRefName(branch, "upstream branch");
  const dir = upstreamMirrorDir(url, options);
  const { git, created } = bareRepo(dir, options.onSpawn);
  if (created) await git.run(["init", "--quiet", "--bare"]);
  // Once per mirror, new or made by an older version (a marker file, so later polls spawn nothing for it).
  // Repository mirrors borrow these objects: nothing here may ever be pruned from under them.
  const configured = join(dir, CONFIGURED);
  if (!existsSync(configured)) {
    for (const [key, value] of [...MIRROR_CONFIG, ["gc.pruneExpire", "never"] as const])
      await git.run(["config", "--local", key, value]);
    writeFileSync(configured, "merge-window set this mirror's gc and commit-graph configuration\n");
  }
  // A blobless partial clone: merge-window reads refs, commits and paths, not file contents. git records `source`
  // as a promisor remote, so a blob something here ever needs is fetched from upstream itself, lazily. The first
  // fetch of a kernel (1.3 GB, silent) takes minutes: it gets the maintenance timeout, later ones the network one.
  await (created ? createMaintenanceRunner(dir, options) : git).run([
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
  const expiry = Math.floor(Date.now() / 1000) - GRAPH_EXPIRY_SECONDS;
  await writeCommitGraph(dir, options, [`--expire-time=${expiry}`]);
  await maintainIfDue(dir, options);
  return dir;
}

/**
 * Adds the commits the last fetch brought to the commit-graph, as a new layer of a split chain with changed-path
 * (Bloom) filters: `--merged`, `merge-base`, `log -- <path>` then read the graph instead of parsing commits.
 * Only commits no layer holds yet are written, so this costs what the fetch brought, not the history; the first
 * write on a kernel-sized mirror takes minutes, so it gets the maintenance timeout.
 */
async function writeCommitGraph(dir: string, options: WorkspaceOptions, extra: readonly string[] = []): Promise<void> {
  await createMaintenanceRunner(dir, options).run([
    "commit-graph",
    "write",
    "--reachable",
    "--changed-paths",
    "--split",
    "--no-progress",
    ...extra,
  ]);
}

function createMaintenanceRunner(dir: string, options: WorkspaceOptions): GitRunner {
  return createGitRunner(dir, {
    timeouts: { localMs: MAINTENANCE_TIMEOUT_MS, networkMs: MAINTENANCE_TIMEOUT_MS },
    ...(options.onSpawn ? { onSpawn: options.onSpawn } : {}),
  });
}

/** `git gc` once a day (MAINTENANCE_INTERVAL_MS), stamped by a file's mtime in the mirror; local objects only. */
async function maintainIfDue(dir: string, options: WorkspaceOptions, now = Date.now()): Promise<void> {
  const stamp = join(dir, STAMP);
  if (!existsSync(stamp)) {
    writeFileSync(stamp, "last `git gc` by merge-window (mtime)\n");
    return; // a new mirror is packed as fetched
  }
  if (now - statSync(stamp).mtimeMs < MAINTENANCE_INTERVAL_MS) return;
  utimesSync(stamp, new Date(now), new Date(now));
  await createMaintenanceRunner(dir, options).run(["gc", "--quiet"]);
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

export interface RepoWorkspaceInput {
  readonly owner: string;
  readonly repo: string;
  /** GitHub's (or the sandbox's) https URL. */
  readonly cloneUrl: string;
  readonly token: string;
  /** The shared upstream mirror (ensureUpstreamMirror). */
  readonly upstreamDir: string;
  /** Upstream's URL: a second promisor remote, for a blob of a new upstream tag GitHub does not have yet. */
  readonly upstreamUrl: string;
  /** Upstream's main branch, mirrored into refs/merge-window/upstream/heads/. */
  readonly upstreamBranch: string;
}

/**
 * A repository's mirror: a blobless partial clone of the repository that borrows the upstream mirror's objects
 * (objects/info/alternates), so a fetch brings only what upstream lacks, and a blob needed later (a rebase) is
 * fetched lazily from GitHub or from upstream. The installation token goes into the mirror's own config as an
 * Authorization header, never into argv or the URL.
 */
export async function openRepoWorkspace(input: RepoWorkspaceInput, options: WorkspaceOptions): Promise<RepoWorkspace> {
  if (!/^[A-Za-z0-9_.-]+$/.test(input.owner) || !/^[A-Za-z0-9_.-]+$/.test(input.repo)) {
    throw new Error(`repository ${input.owner}/${input.repo}: unexpected characters in the name`);
  }
  const url = assertUpstreamUrl(input.cloneUrl);
  const upstreamUrl = assertUpstreamUrl(input.upstreamUrl);
  const branch = assertSafeRefName(input.upstreamBranch, "upstream branch");
  const dir = join(options.cacheDir, "repos", input.owner, `${input.repo}.git`);
  const { git, created } = bareRepo(dir, options.onSpawn);
  if (created) await git.run(["init", "--quiet", "--bare"]);
  const alternates = join(dir, "objects", "info", "alternates");
  const borrowed = `${join(input.upstreamDir, "objects")}\n`;
  if (!existsSync(alternates) || readFileSync(alternates, "utf8") !== borrowed) {
    mkdirSync(join(dir, "objects", "info"), { recursive: true });
    writeFileSync(alternates, borrowed);
  }
  // Only what changed is written: simple-git waits 50 ms after every git that prints nothing, and four silent
  // config writes per run were most of a run's time. `--list` prints (init.* at least), so reading costs no wait.
  const current = parseConfigList(await git.run(["config", "--local", "--list", "-z"]));
  const basic = Buffer.from(`x-access-token:${input.token}`).toString("base64");
  const wanted: (readonly [string, string])[] = [
    // Partial clones need repository format 1; the two remotes are promisors, tried in this order.
    ["core.repositoryformatversion", "1"],
    ["remote.origin.url", url],
    ["remote.origin.promisor", "true"],
    ["remote.origin.partialclonefilter", "blob:none"],
    ["remote.upstream.url", upstreamUrl],
    ["remote.upstream.promisor", "true"],
    ["remote.upstream.partialclonefilter", "blob:none"],
    ["http.extraheader", `Authorization: Basic ${basic}`],
    ["user.name", "merge-window"],
    ["user.email", "merge-window@users.noreply.github.com"],
    ...MIRROR_CONFIG,
  ];
  for (const [key, value] of wanted) {
    if (current.get(key.toLowerCase())?.join("\n") === value) continue;
    await git.run(["config", "--local", "--replace-all", key, value]);
  }
  // Mirrors made before had `remote add`'s refspec, which also filled refs/remotes/origin/ on every fetch.
  if (current.has("remote.origin.fetch")) await git.run(["config", "--local", "--unset-all", "remote.origin.fetch"]);
  const upstream = createGitRunner(input.upstreamDir, options.onSpawn ? { onSpawn: options.onSpawn } : {});
  const workspace: RepoWorkspace = {
    dir,
    async fetchRepository() {
      await git.run([
        "fetch",
        "--quiet",
        "--prune",
        "--no-tags",
        "--filter=blob:none",
        "--no-write-fetch-head",
        "--end-of-options",
        "origin",
        "+refs/heads/*:refs/heads/*",
        "+refs/tags/*:refs/tags/*",
      ]);
      await writeCommitGraph(dir, options);
    },
    async adoptUpstream() {
      await adoptUpstreamRefs(git, upstream, branch);
    },
    async sync() {
      await workspace.fetchRepository();
      await workspace.adoptUpstream();
      await maintainIfDue(dir, options);
    },
  };
  return workspace;
}

const REF_LINE = "--format=%(objectname) %(refname)";

function parseRefLines(output: string): Map<string, string> {
  const refs = new Map<string, string>();
  for (const line of output.split("\n")) {
    const space = line.indexOf(" ");
    if (space > 0) refs.set(line.slice(space + 1), line.slice(0, space));
  }
  return refs;
}

/**
 * Copies the upstream mirror's `v*` tags and main branch into the repository mirror as refs, in at most three
 * git processes whatever the number of tags: read both sides, write the differences in one `update-ref --stdin`.
 */
async function adoptUpstreamRefs(git: GitRunner, upstream: GitRunner, branch: string): Promise<void> {
  const [theirs, ours] = (
    await Promise.all([
      upstream.run(["for-each-ref", REF_LINE, "--end-of-options", "refs/tags/v*", `refs/heads/${branch}`]),
      git.run(["for-each-ref", REF_LINE, "--end-of-options", "refs/tags/v*", "refs/merge-window/upstream/"]),
    ])
  ).map(parseRefLines) as [Map<string, string>, Map<string, string>];
  const wanted = new Map<string, string>();
  for (const [ref, sha] of theirs) {
    if (ref.startsWith("refs/tags/v")) {
      const name = ref.slice("refs/tags/".length);
      wanted.set(`${UPSTREAM_TAGS}${name}`, sha);
      wanted.set(ref, sha);
    } else wanted.set(`${UPSTREAM_HEADS}${branch}`, sha);
  }
  const commands: string[] = [];
  for (const [ref, sha] of wanted) if (ours.get(ref) !== sha) commands.push(`update ${ref} ${sha}\n`);
  for (const [ref, sha] of ours) {
    // Upstream's tags and branch that upstream no longer has (refs/tags/ is the repository's own otherwise).
    if (ref.startsWith("refs/merge-window/upstream/") && !wanted.has(ref)) commands.push(`delete ${ref} ${sha}\n`);
  }
  if (commands.length > 0) await git.runWithInput(["update-ref", "--stdin"], commands.join(""));
}
