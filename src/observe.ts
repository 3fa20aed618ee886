// Observation for run(): the git layer's facts turned into the domain's RepoFacts, with the domain's tag check
// run on the facts the git layer read, and upstream-merge lookups, for the tags the cycle still cares about.
import type { Config } from "./config/load.ts";
import { deriveCalendar, type UpstreamTag } from "./domain/calendar.ts";
import { sourceBranchOf } from "./domain/cycle.ts";
import type { RepoFacts, TagFacts } from "./domain/facts.ts";
import { renderTemplate } from "./domain/names.ts";
import { checkTag, checkUnsafeTagName, type TagPolicy, type TagVerdict } from "./domain/tag-check.ts";
import { isTagInPlay } from "./domain/tag-horizon.ts";
import type { GitObservation, TagCheckRequest } from "./adapters/git/index.ts";
import type { GitPort } from "./ports.ts";

export interface ObserveOptions {
  /** An allowed_signers file on disk for SSH-signed tags (written from the repository by the caller). */
  readonly allowedSignersFile?: string;
  /** Fetch upstream and the repository first (false: the caller just did). */
  readonly fetch?: boolean;
}

/** `{subsystem}-pr-{date}` → `selinux-pr-*`: the glob of a template's family. */
export function familyGlob(template: string, subsystem: string): string {
  return renderTemplate(template, { subsystem, date: "*", version: "*", rc: "*" }).replace(/\*+/g, "*");
}

export function buildTagPolicy(config: Config): TagPolicy {
  return {
    subsystem: config.subsystem,
    tagTemplate: config.tags.name,
    messageTemplate: config.tags.message,
    stableTemplate: config.branches.stable,
    timeZone: config.timeZone,
    maxDateSkewDays: config.tags.maxDateSkewDays,
    allowedFingerprints: config.signing.allowedSigners,
  };
}

/**
 * Checks one tag (C6): the domain judges the facts the git layer read. A hostile name is the domain's verdict
 * at once and never reaches git.
 */
export async function verifyTag(
  git: Pick<GitPort, "readTagFacts">,
  name: string,
  request: TagCheckRequest & { readonly policy: TagPolicy; readonly now: Date },
): Promise<TagVerdict> {
  const { policy, now, ...read } = request;
  return checkUnsafeTagName(name) ?? checkTag(await git.readTagFacts(name, read), policy, now);
}

export async function observeFacts(
  git: GitPort,
  config: Config,
  now: Date,
  options: ObserveOptions = {},
): Promise<{ facts: RepoFacts; observation: GitObservation }> {
  const sourceBranch = sourceBranchOf(config);
  const stableGlob = familyGlob(config.branches.stable, config.subsystem);
  const observation = await git.observe({
    nextBranch: sourceBranch,
    stableGlob,
    tagGlob: familyGlob(config.tags.name, config.subsystem),
    paths: config.upstream.subsystemPaths,
    fetch: options.fetch ?? true,
  });
  const upstreamTags: UpstreamTag[] = observation.upstreamTags.map((tag) => ({ name: tag.name, date: tag.date }));
  // Fail early and clearly, before any tag is checked, when upstream has no version tags at all (a wrong upstream URL).
  deriveCalendar(upstreamTags, now, { timeZone: config.timeZone, lateThreshold: config.cycle.lateThreshold });
  // Tags of trees and blobs are kept: they are reported invalid (not-a-commit), never silently skipped.
  const recent = observation.tags.filter((tag) => isTagInPlay(tag.date, now));
  const policy = buildTagPolicy(config);
  const read = await Promise.all(
    recent.map(async (tag): Promise<TagFacts | null> => {
      const [verdict, merge] = await Promise.all([
        verifyTag(git, tag.name, {
          policy,
          now,
          stableGlob,
          ...(options.allowedSignersFile ? { allowedSignersFile: options.allowedSignersFile } : {}),
        }),
        tag.commit ? git.findUpstreamMerge(tag.commit, observation.upstreamHead) : { reachable: false as const },
      ]);
      // Listed, then gone when its facts were read: deleted in between. Nothing to check; a "not-found" verdict would
      // replace the verdict the check run of this tag already shows.
      if (verdict.problems.some((problem) => problem.code === "not-found")) return null;
      return {
        name: tag.name,
        sha: tag.target.sha,
        ...(tag.target.type === "tree" || tag.target.type === "blob" ? { target: tag.target.type } : {}),
        object: tag.object,
        taggerDate: tag.date,
        stableBranch: verdict.stableBranch,
        check: { valid: verdict.valid, problems: verdict.problems },
        mergedUpstream: merge.reachable ? { mergeCommit: merge.mergeCommit ?? merge.commit, at: merge.mergedAt } : null,
      };
    }),
  );
  const tags = read.filter((tag): tag is TagFacts => tag !== null);
  const next = observation.next;
  const facts: RepoFacts = {
    upstreamTags,
    source: next && {
      name: next.branch,
      sha: next.sha,
      base: next.base?.name ?? null,
      ahead: next.ownCommits,
      foreignMerges: next.foreignMerges.length > 0,
    },
    stableBranches: observation.stableBranches.map((branch) => ({
      name: branch.name,
      sha: branch.sha,
      base: branch.base?.name ?? null,
      unsentCommits: branch.unsentCommits,
      oldestUnsentAt: branch.oldestUnsentAt,
    })),
    tags,
  };
  return { facts, observation };
}
