// Reads what choosePullBase needs about one tag in three git processes: earlier PR tags and upstream tags it contains.
import { choosePullBase, newestUpstream, type PullBase, type PullBaseFacts } from "../../domain/pull-base.ts";
import { assertObjectId, assertRefGlob } from "./inputs.ts";
import { UPSTREAM_TAGS } from "./refs.ts";
import type { GitRunner } from "./runner.ts";

const FORMAT = "--format=%(refname)%00%(objectname)%00%(*objectname)";

/** Refs under `patterns` whose commits `commit` contains: full ref name and commit, in for-each-ref's order. */
async function readMerged(git: GitRunner, commit: string, patterns: readonly string[], sort: string[] = []) {
  const output = await git.run([
    "for-each-ref",
    `--merged=${commit}`,
    ...sort,
    FORMAT,
    "--end-of-options",
    ...patterns,
  ]);
  return output
    .split("\n")
    .filter(Boolean)
    .map((line) => {
      const [ref = "", object = "", peeled = ""] = line.split("\0");
      return { ref, commit: peeled || object };
    });
}

/** The base for `tag` (at `commit`); `familyGlob` is the PR tag family, e.g. `selinux-pr-*`. */
export async function readPullBase(
  git: GitRunner,
  request: { tag: string; commit: string; familyGlob: string },
): Promise<{ base: PullBase; facts: PullBaseFacts }> {
  const commit = assertObjectId(request.commit, "tag commit");
  const family = `refs/tags/${assertRefGlob(request.familyGlob, "tag family")}`;
  const [earlier, upstream] = await Promise.all([
    readMerged(git, commit, [family], ["--sort=-creatordate"]),
    readMerged(git, commit, ["refs/tags/v[0-9]*", `${UPSTREAM_TAGS}v[0-9]*`]),
  ]);
  const upstreamTags = upstream.map(({ ref, commit: c }) => ({ name: ref.replace(/^.*\/tags\//, ""), commit: c }));
  const earlierTags = earlier
    .map(({ ref, commit: c }) => ({ name: ref.slice("refs/tags/".length), commit: c }))
    .filter((other) => other.name !== request.tag && other.commit !== commit);
  const newest = newestUpstream(upstreamTags);
  const contained = newest ? await readMerged(git, newest.commit, [family]) : [];
  const facts = { earlierTags, upstreamTags, containedInUpstream: new Set(contained.map((entry) => entry.commit)) };
  const base = choosePullBase(facts);
  if (base.kind !== "upstream") return { base, facts };
  // A base only in our upstream mirror (not refs/tags) is given to request-pull as its commit id.
  const inTags = upstream.some((entry) => entry.ref === `refs/tags/${base.name}`);
  return { base: inTags ? base : { ...base, name: base.commit }, facts };
}
