// Observation: upstream tags, next's base and own range, stable branches and tag families, in a fixed number of git
// processes.
import { compareVersions, tryParseVersion } from "../../domain/version.ts";
import { assertSafeRefName } from "../../domain/names.ts";
import type { GitContext } from "./context.ts";
import { assertObjectId, assertRefGlob, assertRepoPath } from "./inputs.ts";
import { readStableBranchFacts, type StableBranchFact } from "./observe-stable.ts";
import {
  NAMESPACE,
  peelObject,
  readRefRecords,
  runCapturing,
  UPSTREAM_HEADS,
  UPSTREAM_TAGS,
  type RefRecord,
} from "./refs.ts";
import type { GitRunner } from "./runner.ts";
import type { MergeFact, OwnCommit, UpstreamVersionTag } from "../../domain/git-results.ts";

export type { MergeFact, OwnCommit, UpstreamVersionTag };

export interface TagRefFact {
  readonly name: string;
  /** The tag object (annotated) or the commit (lightweight). */
  readonly object: string;
  readonly commit: string | null;
  /** What the tag finally points at (through tags of tags): a commit, or a tree or blob (not a valid pull). */
  readonly target: { readonly sha: string; readonly type: string };
  readonly annotated: boolean;
  readonly date: Date | null;
}

/**
 * A merge commit in next's own range. `foreign`: it brings in commits that are neither upstream nor on next's
 * first-parent line.
 */
export interface NextFacts {
  readonly branch: string;
  readonly sha: string;
  /** The newest upstream version tag that is an ancestor of next (numeric order, not git's). */
  readonly base: UpstreamVersionTag | null;
  /** Upstream commits in the newest upstream tag that are not in `base`. */
  readonly behind: number | null;
  /** Commits in next that no upstream ref contains (merges included). */
  readonly ownCommits: number;
  readonly merges: readonly MergeFact[];
  readonly foreignMerges: readonly MergeFact[];
  /** Files under the requested paths that changed between `base` and the newest upstream tag. */
  readonly upstreamPathChanges: readonly string[];
}

export interface GitObservation {
  /** Every upstream `v*` tag that parses as a kernel version and peels to a commit, oldest version first. */
  readonly upstreamTags: readonly UpstreamVersionTag[];
  readonly newestUpstreamTag: UpstreamVersionTag | null;
  /** The upstream branch's (master's) commit. */
  readonly upstreamHead: string | null;
  readonly next: NextFacts | null;
  readonly stableBranches: readonly StableBranchFact[];
  readonly tags: readonly TagRefFact[];
}

export interface ObserveRequest {
  readonly nextBranch?: string;
  /** Branch family, relative to refs/heads (default `stable-*`). */
  readonly stableGlob?: string;
  /** Tag family, relative to refs/tags (default `*-pr-*`). */
  readonly tagGlob?: string;
  /** The subsystem's paths (e.g. `security/selinux/`) for upstreamPathChanges. */
  readonly paths?: readonly string[];
  /** Fetch upstream (and the remote mirror) first; default true. */
  readonly fetch?: boolean;
}

/**
 * Mirrors upstream's `v*` tags and its main branch into refs/merge-window/upstream/ (one process; none when the
 * workspace's sync adopted them from the shared mirror). An upstream without that branch (a tags-only mirror, a
 * clone without master) still gives its tags: the fetch is repeated for the tags alone and the mirrored branch
 * removed, so observation reports no upstream head (merge "unknown").
 */
export async function fetchUpstream(context: GitContext): Promise<void> {
  const source = context.upstreamFetchSource;
  if (source === null) return; // adopted from the shared mirror by the workspace's sync
  const branch = context.upstreamBranch;
  const fetch = (refspecs: string[]) =>
    runCapturing(context.git, [
      "fetch",
      "--no-tags",
      "--prune",
      "--no-write-fetch-head",
      "--quiet",
      "--end-of-options",
      source,
      ...refspecs,
    ]);
  const tags = `+refs/tags/v*:${UPSTREAM_TAGS}v*`;
  let result = await fetch([tags, `+refs/heads/${branch}:${UPSTREAM_HEADS}${branch}`]);
  // git: "couldn't find remote ref refs/heads/master" (translated under other locales; the ref name is not).
  if (!result.ok && result.output.includes(`refs/heads/${branch}`)) {
    result = await fetch([tags]);
    if (result.ok) await context.git.run(["update-ref", "-d", "--end-of-options", `${UPSTREAM_HEADS}${branch}`]);
  }
  if (!result.ok)
    throw new Error(`fetching upstream tags and ${branch} from ${source} failed: ${result.output.trim()}`);
}

/** Mirrors the subsystem remote's branches and tags into the remote view (one process; no-op for the local view). */
export async function fetchRemoteMirror(context: GitContext): Promise<void> {
  if (!context.view.heads.startsWith(NAMESPACE)) return;
  const result = await runCapturing(context.git, [
    "fetch",
    "--no-tags",
    "--prune",
    "--no-write-fetch-head",
    "--quiet",
    "--end-of-options",
    context.remote,
    `+refs/heads/*:${context.view.heads}*`,
    `+refs/tags/*:${context.view.tags}*`,
  ]);
  if (!result.ok)
    throw new Error(`fetching branches and tags from remote ${context.remote} failed: ${result.output.trim()}`);
}

/**
 * Reads everything observe() reports in at most 6 git processes after the fetches, however many refs and commits there
 * are.
 */
export async function observeRepository(context: GitContext, request: ObserveRequest = {}): Promise<GitObservation> {
  const nextBranch = assertSafeRefName(request.nextBranch ?? "next", "next branch");
  const stableGlob = assertRefGlob(request.stableGlob ?? "stable-*", "stable branch");
  const tagGlob = assertRefGlob(request.tagGlob ?? "*-pr-*", "tag");
  const paths = (request.paths ?? []).map(assertRepoPath);
  if (request.fetch ?? true) {
    await fetchUpstream(context);
    await fetchRemoteMirror(context);
  }
  const { view } = context;
  const headRef = `${UPSTREAM_HEADS}${context.upstreamBranch}`;
  const records = await readRefRecords(context.git, [
    UPSTREAM_TAGS,
    headRef,
    `${view.heads}${nextBranch}`,
    `${view.heads}${stableGlob}`,
    `${view.tags}${tagGlob}`,
  ]);
  const upstreamTags = buildUpstreamTags(records.filter((record) => record.ref.startsWith(UPSTREAM_TAGS)));
  const newest = upstreamTags.at(-1) ?? null;
  const nextRecord = records.find((record) => record.ref === `${view.heads}${nextBranch}`);
  const next = nextRecord?.commit
    ? await observeNext(context.git, { branch: nextBranch, sha: nextRecord.commit, upstreamTags, newest, paths })
    : null;
  // for-each-ref matches a pattern without `*` as a prefix too (`next` → `next/x`): filter by the whole glob.
  const tagFamily = buildGlobRegExp(tagGlob);
  const family = records.filter(
    (record) => record.ref.startsWith(view.tags) && tagFamily.test(record.ref.slice(view.tags.length)),
  );
  const tags: TagRefFact[] = await Promise.all(
    family.map(async (record) => {
      // A tag of a tag is followed to its commit; a tree or a blob is kept, to be reported (two processes, rare).
      const target = record.commit
        ? { sha: record.commit, type: "commit" }
        : await peelObject(context.git, record.object);
      return {
        name: record.ref.slice(view.tags.length),
        object: record.object,
        commit: target.type === "commit" ? target.sha : null,
        target,
        annotated: record.type === "tag",
        date: record.date,
      };
    }),
  );
  const stableFamily = buildGlobRegExp(stableGlob);
  const branches = records
    .filter(
      (record) =>
        record.ref.startsWith(view.heads) && record.commit && stableFamily.test(record.ref.slice(view.heads.length)),
    )
    .map((record) => ({ name: record.ref.slice(view.heads.length), sha: record.commit! }));
  const tagCommits = tags.flatMap((tag) => (tag.commit ? [tag.commit] : []));
  return {
    upstreamTags,
    newestUpstreamTag: newest,
    upstreamHead: records.find((record) => record.ref === headRef)?.commit ?? null,
    next,
    stableBranches: await readStableBranchFacts(context.git, branches, tagCommits, upstreamTags),
    tags,
  };
}

/** A ref glob (`stable-*`) as a whole-name RegExp; `*` does not cross `/`, as in for-each-ref. */
export function buildGlobRegExp(glob: string): RegExp {
  return new RegExp(
    `^${glob
      .split("*")
      .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"))
      .join("[^/]*")}$`,
  );
}

/** Version tags only (odd shapes and tree tags skipped), sorted by kernel version order. */
export function buildUpstreamTags(records: readonly RefRecord[]): UpstreamVersionTag[] {
  const tags: UpstreamVersionTag[] = [];
  for (const record of records) {
    const name = record.ref.slice(UPSTREAM_TAGS.length);
    const version = tryParseVersion(name);
    if (!version || !record.commit || !record.date) continue;
    tags.push({ name, version, commit: record.commit, date: record.date, annotated: record.type === "tag" });
  }
  return tags.sort((a, b) => compareVersions(a.version, b.version));
}

interface NextInput {
  readonly branch: string;
  readonly sha: string;
  readonly upstreamTags: readonly UpstreamVersionTag[];
  readonly newest: UpstreamVersionTag | null;
  readonly paths: readonly string[];
}

async function observeNext(git: GitRunner, input: NextInput): Promise<NextFacts> {
  const own = await readOwnRange(git, input.sha);
  const base = await findBaseTag(git, input.sha, input.upstreamTags, own.boundary);
  const { newest } = input;
  let behind: number | null = null;
  let upstreamPathChanges: string[] = [];
  if (base && newest) {
    behind = base.commit === newest.commit ? 0 : await countCommits(git, base.commit, newest.commit);
    upstreamPathChanges = await readChangedPaths(git, base.commit, newest.commit, input.paths);
  }
  return {
    branch: input.branch,
    sha: input.sha,
    base,
    behind,
    ownCommits: own.commits.length,
    merges: own.merges,
    foreignMerges: own.merges.filter((merge) => merge.foreign),
    upstreamPathChanges,
  };
}

/**
 * Commits reachable from `sha` and from no upstream ref, newest first, with parents and subjects, and the
 * boundary: the upstream commits next's own commits sit on (one process).
 */
export async function readOwnRange(
  git: GitRunner,
  sha: string,
): Promise<{ commits: OwnCommit[]; merges: MergeFact[]; boundary: string[] }> {
  assertObjectId(sha, "commit");
  const output = await git.run([
    "log",
    "--boundary",
    "--format=%m%x1f%H%x1f%P%x1f%s",
    "--not",
    `--glob=${NAMESPACE}/upstream/*`,
    "--not",
    "--end-of-options",
    sha,
  ]);
  const commits: OwnCommit[] = [];
  const boundary: string[] = [];
  for (const line of output.split("\n")) {
    if (line === "") continue;
    const [mark = "", commit = "", parents = "", subject = ""] = line.split("\x1f");
    if (mark === "-") boundary.push(commit);
    else commits.push({ sha: commit, parents: parents.split(" ").filter(Boolean), subject });
  }
  const own = new Set(commits.map((commit) => commit.sha));
  // A merge whose side parent is itself not upstream brought someone's branch into next: rebasing would fork
  // that history. Back-merges of upstream (a side parent that upstream contains) are not counted.
  const merges = commits
    .filter((commit) => commit.parents.length > 1)
    .map((commit) => ({ ...commit, foreign: commit.parents.slice(1).some((parent) => own.has(parent)) }));
  // Nothing of its own: next is an upstream commit, its own boundary.
  return { commits, merges, boundary: commits.length === 0 ? [sha] : boundary };
}

/**
 * The newest (by kernel version order) upstream version tag contained in `sha`, given the boundary of its own
 * range (readOwnRange): every upstream commit next contains is reachable from a boundary commit. When every
 * boundary commit is a version tag, the newest of them is the answer with no git process (older versions are
 * ancestors of newer ones in Linus' tree). Otherwise one `--merged` scan limited to the newer tags of the
 * cycles that matter (its walk stops at the oldest tag given, not at v2.6.12), and only when none of those is
 * contained, one scan of the older tags.
 */
export async function findBaseTag(
  git: GitRunner,
  sha: string,
  upstreamTags: readonly UpstreamVersionTag[],
  boundary: readonly string[],
): Promise<UpstreamVersionTag | null> {
  assertObjectId(sha, "commit");
  const atBoundary = new Set(boundary);
  const tagged = new Set(upstreamTags.filter((tag) => atBoundary.has(tag.commit)).map((tag) => tag.commit));
  const bestIndex = upstreamTags.findLastIndex((tag) => atBoundary.has(tag.commit));
  const best = bestIndex < 0 ? null : upstreamTags[bestIndex]!;
  if (boundary.every((commit) => tagged.has(commit))) return best;
  const newer = upstreamTags.slice(bestIndex + 1);
  const recent = best ? newer : filterRecentSeries(newer, upstreamTags);
  const found = (await readMergedTags(git, sha, recent)).at(-1);
  if (found || best) return found ?? best;
  return (await readMergedTags(git, sha, newer.slice(0, newer.length - recent.length))).at(-1) ?? null;
}

/** The tags of the newest two release series (v6.9-rc3 newest → every v6.8* and v6.9*): the cycles that matter. */
function filterRecentSeries(
  tags: readonly UpstreamVersionTag[],
  all: readonly UpstreamVersionTag[],
): UpstreamVersionTag[] {
  const series = (tag: UpstreamVersionTag) => `${tag.version.major}.${tag.version.minor}`;
  const recent = new Set([...new Set(all.map(series))].slice(-2));
  return tags.filter((tag) => recent.has(series(tag)));
}

/** Which of `tags` `sha` contains, in the given order (one `for-each-ref --merged` over just those refs). */
async function readMergedTags(
  git: GitRunner,
  sha: string,
  tags: readonly UpstreamVersionTag[],
): Promise<UpstreamVersionTag[]> {
  if (tags.length === 0) return [];
  const output = await git.run([
    "for-each-ref",
    "--format=%(refname)",
    `--merged=${sha}`,
    "--end-of-options",
    ...tags.map((tag) => `${UPSTREAM_TAGS}${tag.name}`),
  ]);
  const merged = new Set(
    output
      .split("\n")
      .filter(Boolean)
      .map((ref) => ref.slice(UPSTREAM_TAGS.length)),
  );
  return tags.filter((tag) => merged.has(tag.name));
}

/** Number of commits in `to` that are not in `from` (one process). */
export async function countCommits(git: GitRunner, from: string, to: string): Promise<number> {
  const output = await git.run([
    "rev-list",
    "--count",
    "--end-of-options",
    assertObjectId(to, "commit"),
    `^${assertObjectId(from, "commit")}`,
  ]);
  return Number(output.trim());
}

/** Files under `paths` that differ between two commits (one process; none when no paths are configured). */
export async function readChangedPaths(
  git: GitRunner,
  from: string,
  to: string,
  paths: readonly string[],
): Promise<string[]> {
  if (paths.length === 0) return [];
  const output = await git.run([
    "diff",
    "--name-only",
    "--no-renames",
    "--end-of-options",
    assertObjectId(from, "commit"),
    assertObjectId(to, "commit"),
    "--",
    ...paths.map(assertRepoPath),
  ]);
  return output.split("\n").filter(Boolean);
}
