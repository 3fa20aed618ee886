// The base of a [GIT PULL] as a maintainer picks it, at any date: the previous pull-request tag on the same
// line of history when there is one since the upstream base, else the upstream release the branch was built on.
import { compareVersions, tryParseVersion } from "./version.ts";

export interface PullBaseFacts {
  /** Pull-request tags (the family) whose commits the tag's commit contains, newest tagger date first; not itself. */
  readonly earlierTags: readonly { readonly name: string; readonly commit: string }[];
  /** Upstream `v*` tags the tag's commit contains, with the commit each leads to. */
  readonly upstreamTags: readonly { readonly name: string; readonly commit: string }[];
  /** Commits (of earlierTags) that upstream's newest contained tag already contains: sent before the base. */
  readonly containedInUpstream: ReadonlySet<string>;
}

export type PullBase =
  | { readonly kind: "previous-tag"; readonly name: string }
  | { readonly kind: "upstream"; readonly name: string; readonly commit: string }
  | { readonly kind: "none" };

/** The newest upstream release (by version) the tag contains. */
export function newestUpstream(tags: PullBaseFacts["upstreamTags"]): { name: string; commit: string } | null {
  let best: { name: string; commit: string } | null = null;
  for (const tag of tags) {
    const version = tryParseVersion(tag.name);
    if (!version) continue;
    if (!best || compareVersions(version, tryParseVersion(best.name)!) > 0) best = tag;
  }
  return best;
}

/** The previous PR tag when it is newer than the upstream base (not already upstream), else the upstream base. */
export function choosePullBase(facts: PullBaseFacts): PullBase {
  const upstream = newestUpstream(facts.upstreamTags);
  const previous = facts.earlierTags.find((tag) => !facts.containedInUpstream.has(tag.commit));
  if (previous) return { kind: "previous-tag", name: previous.name };
  return upstream ? { kind: "upstream", ...upstream } : { kind: "none" };
}
