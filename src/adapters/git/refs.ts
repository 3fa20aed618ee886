// Where merge-window keeps refs, how it reads many refs in one process, and its only way to push.
import type { KernelVersion } from "../../domain/version.ts";
import type { GitRunner } from "./runner.ts";
import { assertObjectId } from "./inputs.ts";

/** An upstream version tag; `date` is the tagger date (annotated) or committer date (lightweight). */
export interface UpstreamVersionTag {
  readonly name: string;
  readonly version: KernelVersion;
  readonly commit: string;
  readonly date: Date;
  readonly annotated: boolean;
}

/**
 * merge-window writes local refs only under `refs/merge-window/` (never a maintainer's branches or tags,
 * except `refs/tags/<name>` for a tag it signs):
 * - `upstream/tags/v*` and `upstream/heads/<branch>`: a mirror of upstream's version tags and master;
 * - `remote/heads/*`, `remote/tags/*`: a mirror of the subsystem remote (`origin`), for the "remote" view;
 * - `backup/next-<UTC stamp>-<12 hex>`: on the REMOTE, the old `next` pushed before every rebase.
 * The `+` refspecs that fill the two mirrors are fetches into this private namespace; no push ever forces.
 */
export const NAMESPACE = "refs/merge-window";
export const UPSTREAM_TAGS = `${NAMESPACE}/upstream/tags/`;
export const UPSTREAM_HEADS = `${NAMESPACE}/upstream/heads/`;
export const BACKUP_PREFIX = `${NAMESPACE}/backup/`;

/** Which refs are "the repository": the remote's (app; fetched into a mirror) or the clone's own (CLI). */
export type RefSource = "remote" | "local";

export interface RefView {
  readonly heads: string;
  readonly tags: string;
}

export function buildRefView(source: RefSource): RefView {
  return source === "remote"
    ? { heads: `${NAMESPACE}/remote/heads/`, tags: `${NAMESPACE}/remote/tags/` }
    : { heads: "refs/heads/", tags: "refs/tags/" };
}

/** One ref as for-each-ref reports it. */
export interface RefRecord {
  readonly ref: string;
  readonly type: string;
  /** The object the ref points at (a tag object for annotated tags). */
  readonly object: string;
  /** The commit it peels to; null when it peels to something else (a tree tag). */
  readonly commit: string | null;
  /** Tagger date for annotated tags, committer date for commits. */
  readonly date: Date | null;
}

const REF_FORMAT = [
  "%(refname)",
  "%(objecttype)",
  "%(objectname)",
  "%(*objecttype)",
  "%(*objectname)",
  "%(creatordate:raw)",
].join("%00");

/** Every ref matching any of `patterns` (for-each-ref patterns: prefixes or globs), in ONE git process. */
export async function readRefRecords(
  git: GitRunner,
  patterns: readonly string[],
  filters: readonly string[] = [],
): Promise<RefRecord[]> {
  if (patterns.length === 0) return [];
  const output = await git.run(["for-each-ref", `--format=${REF_FORMAT}`, ...filters, "--end-of-options", ...patterns]);
  return parseRefRecords(output);
}

/** Parses REF_FORMAT lines. */
export function parseRefRecords(output: string): RefRecord[] {
  return output
    .split("\n")
    .filter((line) => line !== "")
    .map((line) => {
      const [ref = "", type = "", object = "", peeledType = "", peeled = "", rawDate = ""] = line.split("\0");
      const commit = type === "commit" ? object : peeledType === "commit" ? peeled : null;
      const seconds = Number(rawDate.split(" ")[0]);
      return {
        ref,
        type,
        object,
        commit,
        date: rawDate !== "" && Number.isFinite(seconds) ? new Date(seconds * 1000) : null,
      };
    });
}

/** What a tag object finally points at, through any tags of tags: the object and its type (commit, tree, blob). */
export async function peelObject(git: GitRunner, object: string): Promise<{ sha: string; type: string }> {
  const sha = (
    await git.run(["rev-parse", "--verify", "--end-of-options", `${assertObjectId(object, "tag")}^{}`])
  ).trim();
  const type = (await git.run(["cat-file", "-t", "--end-of-options", assertObjectId(sha, "peeled object")])).trim();
  return { sha, type };
}

/** Full ref names of refs under `prefix` that contain `commit` (`for-each-ref --contains`), one process. */
export async function readRefsContaining(
  git: GitRunner,
  commit: string,
  prefixes: readonly string[],
): Promise<string[]> {
  assertObjectId(commit, "commit");
  const output = await git.run([
    "for-each-ref",
    "--format=%(refname)",
    `--contains=${commit}`,
    "--end-of-options",
    ...prefixes,
  ]);
  return output.split("\n").filter((line) => line !== "");
}

/** Result of a git process that may fail: stdout on success, stdout+stderr (simple-git's error text) on failure. */
export interface Captured {
  readonly ok: boolean;
  readonly output: string;
}

export async function runCapturing(git: GitRunner, args: readonly string[]): Promise<Captured> {
  try {
    return { ok: true, output: await git.run(args) };
  } catch (error) {
    return { ok: false, output: error instanceof Error ? error.message : String(error) };
  }
}

/**
 * A compare-and-swap condition: the remote ref must currently be `expect` (a full SHA), or absent when `expect` is "".
 */
export interface Lease {
  readonly ref: string;
  readonly expect: string;
}

export interface PushUpdate {
  /** git's porcelain flag: `*` new, ` ` fast-forward, `+` forced, `=` up to date, `!` rejected, `-` deleted. */
  readonly flag: string;
  readonly ref: string;
  readonly summary: string;
}

/** The argv of pushWithLeases (also shown by the CLI's --dry-run); checks every SHA and ref. */
export function buildPushArgs(remote: string, updates: readonly { sha: string | null; lease: Lease }[]): string[] {
  const args = ["push", "--atomic", "--porcelain", "--no-verify"];
  for (const { sha, lease } of updates) {
    if (sha !== null) assertObjectId(sha, "pushed object");
    if (lease.expect !== "") assertObjectId(lease.expect, "lease");
    if (!lease.ref.startsWith("refs/")) throw new Error(`internal: push target ${lease.ref} is not a full ref`);
    args.push(`--force-with-lease=${lease.ref}:${lease.expect}`);
  }
  args.push("--end-of-options", remote, ...updates.map(({ sha, lease }) => `${sha ?? ""}:${lease.ref}`));
  return args;
}

/** Reads `<flag>\t<from>:<to>\t<summary>` lines of `git push --porcelain`. */
export function parsePushPorcelain(output: string): PushUpdate[] {
  const updates: PushUpdate[] = [];
  for (const line of output.split("\n")) {
    const match = /^([ +\-*!=])\t[^\t]*:([^\t]+)\t(.*)$/.exec(line);
    if (match) updates.push({ flag: match[1]!, ref: match[2]!, summary: match[3]!.trim() });
  }
  return updates;
}

/** The value of one ref on the remote, or null when it does not exist there (`git ls-remote`, one process). */
export async function readRemoteRef(git: GitRunner, remote: string, ref: string): Promise<string | null> {
  return (await readRemoteRefs(git, remote, [ref])).get(ref) ?? null;
}

/** The values of `refs` on the remote in one `git ls-remote`; a ref absent there is absent from the map. */
export async function readRemoteRefs(
  git: GitRunner,
  remote: string,
  refs: readonly string[],
): Promise<Map<string, string>> {
  const output = await git.run(["ls-remote", "--refs", "--end-of-options", remote, ...refs]);
  const found = new Map<string, string>();
  for (const line of output.split("\n")) {
    const [sha, name] = line.split("\t");
    if (name && sha && refs.includes(name)) found.set(name, sha);
  }
  return found;
}
