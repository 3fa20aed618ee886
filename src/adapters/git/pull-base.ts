// Reads what choosePullBase needs about one tag without scanning history for every tag: three git processes at
// once (upstream tags, the tag's own range with its boundary, the PR tag family), and only when the boundary is
// not all version tags, one `--merged` limited to the newer tags and one range walk from the upstream base.
import { choosePullBase, type PullBase, type PullBaseFacts } from "../../domain/pull-base.ts";
import { compareVersions, tryParseVersion, type KernelVersion } from "../../domain/version.ts";
import { assertObjectId, assertRefGlob } from "./inputs.ts";
import { UPSTREAM_TAGS } from "./refs.ts";
import type { GitRunner } from "./runner.ts";

const UPSTREAM_GLOBS = ["refs/tags/v[0-9]*", `${UPSTREAM_TAGS}v[0-9]*`];
const FORMAT = "--format=%(refname)%00%(objectname)%00%(*objectname)";

interface UpstreamRef {
  readonly ref: string;
  readonly name: string;
  readonly commit: string;
  readonly version: KernelVersion;
}

/** Refs under `patterns` with the commit each leads to, in for-each-ref's order (no history walk). */
async function listRefs(git: GitRunner, patterns: readonly string[], options: readonly string[] = []) {
  const output = await git.run(["for-each-ref", ...options, FORMAT, "--end-of-options", ...patterns]);
  return output
    .split("\n")
    .filter(Boolean)
    .map((line) => {
      const [ref = "", object = "", peeled = ""] = line.split("\0");
      return { ref, commit: peeled || object };
    });
}

/** The commits of `commit` not in `exclude` (upstream's tags, or one commit), and the boundary commits. */
async function readRange(git: GitRunner, commit: string, exclude: { globs: readonly string[] } | { base: string }) {
  const not = "globs" in exclude ? exclude.globs.map((glob) => `--glob=${glob}`) : [];
  const base = "base" in exclude ? [`^${assertObjectId(exclude.base, "upstream base")}`] : [];
  const output = await git.run([
    "log",
    "--boundary",
    "--format=%m%H",
    ...(not.length > 0 ? ["--not", ...not, "--not"] : []),
    "--end-of-options",
    commit,
    ...base,
  ]);
  const own = new Set<string>();
  const boundary: string[] = [];
  for (const line of output.split("\n")) {
    if (line.startsWith("-")) boundary.push(line.slice(1));
    else if (line !== "") own.add(line.slice(1));
  }
  return { own, boundary: own.size === 0 ? [commit] : boundary };
}

/**
 * The newest upstream version tag `commit` contains, from its range's boundary: every upstream commit it
 * contains is reachable from a boundary commit, and older versions are ancestors of newer ones, so when every
 * boundary commit is a version tag the newest of them is the answer. Otherwise (a back-merge of an untagged
 * upstream commit, or of one of our tags merged upstream since) one `--merged` over the tags newer than that,
 * or over the newest two release series when no boundary commit is tagged.
 */
async function findNewestUpstream(
  git: GitRunner,
  commit: string,
  upstream: readonly UpstreamRef[],
  boundary: readonly string[],
): Promise<{ found: UpstreamRef | null; exact: boolean }> {
  const atBoundary = new Set(boundary);
  const tagged = upstream.filter((tag) => atBoundary.has(tag.commit));
  const best = tagged.at(-1) ?? null;
  if (boundary.every((sha) => tagged.some((tag) => tag.commit === sha))) return { found: best, exact: true };
  const newer = best
    ? upstream.filter((tag) => compareVersions(tag.version, best.version) > 0)
    : recentSeries(upstream);
  if (newer.length === 0) return { found: best, exact: false };
  const merged = new Set(
    (
      await listRefs(
        git,
        newer.map((tag) => tag.ref),
        [`--merged=${commit}`],
      )
    ).map((entry) => entry.ref),
  );
  return { found: newer.filter((tag) => merged.has(tag.ref)).at(-1) ?? best, exact: false };
}

/** The tags of the newest two release series (v6.9-rc3 newest → every v6.8* and v6.9*): the cycles that matter. */
function recentSeries(tags: readonly UpstreamRef[]): UpstreamRef[] {
  const series = (tag: UpstreamRef) => `${tag.version.major}.${tag.version.minor}`;
  const recent = new Set([...new Set(tags.map(series))].slice(-2));
  return tags.filter((tag) => recent.has(series(tag)));
}

/** The base for `tag` (at `commit`); `familyGlob` is the PR tag family, e.g. `selinux-pr-*`. */
export async function readPullBase(
  git: GitRunner,
  request: { tag: string; commit: string; familyGlob: string },
): Promise<{ base: PullBase; facts: PullBaseFacts }> {
  const commit = assertObjectId(request.commit, "tag commit");
  const family = `refs/tags/${assertRefGlob(request.familyGlob, "tag family")}`;
  const [listed, range, familyTags] = await Promise.all([
    listRefs(git, UPSTREAM_GLOBS),
    readRange(git, commit, { globs: UPSTREAM_GLOBS }),
    listRefs(git, [family], ["--sort=-creatordate"]),
  ]);
  const upstream = listed
    .map((entry) => ({ ...entry, name: entry.ref.replace(/^.*\/tags\//, "") }))
    .map((entry) => ({ ...entry, version: tryParseVersion(entry.name) }))
    .filter((entry): entry is UpstreamRef => entry.version !== undefined)
    .sort((a, b) => compareVersions(a.version, b.version));
  const { found, exact } = await findNewestUpstream(git, commit, upstream, range.boundary);
  // Our commits since the upstream base: the range read above when its boundary was all version tags, else
  // one walk from the base found (a tag of ours merged upstream later is still ours for this base).
  const own = exact || !found ? range.own : (await readRange(git, commit, { base: found.commit })).own;
  const earlierTags = familyTags
    .map(({ ref, commit: c }) => ({ name: ref.slice("refs/tags/".length), commit: c }))
    .filter((other) => own.has(other.commit) && other.name !== request.tag && other.commit !== commit);
  const upstreamTags = found ? [{ name: found.name, commit: found.commit }] : [];
  const facts = { earlierTags, upstreamTags, containedInUpstream: new Set<string>() };
  const base = choosePullBase(facts);
  if (base.kind !== "upstream") return { base, facts };
  // A base only in our upstream mirror (not refs/tags) is given to request-pull as its commit id.
  const inTags = upstream.some((entry) => entry.ref === `refs/tags/${base.name}` && entry.commit === base.commit);
  return { base: inTags ? base : { ...base, name: base.commit }, facts };
}
