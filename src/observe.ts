// Observation for run(): the git layer's facts turned into the domain's RepoFacts, with the tag checks
// and upstream-merge lookups done for the tags the cycle can still care about.
import type { Config } from "./config/load.ts";
import { deriveCalendar, type UpstreamTag } from "./domain/calendar.ts";
import type { RepoFacts, TagFacts } from "./domain/facts.ts";
import { renderTemplate } from "./domain/names.ts";
import type { TagPolicy } from "./domain/tag-check.ts";
import { DAY_MS } from "./domain/time.ts";
import type { GitObservation } from "./adapters/git/index.ts";
import type { GitPort } from "./ports.ts";

/** Family tags older than this are history: not re-checked, not looked up upstream. */
const TAG_HORIZON_DAYS = 140;

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

export async function observeFacts(
  git: GitPort,
  config: Config,
  now: Date,
  options: ObserveOptions = {},
): Promise<{ facts: RepoFacts; observation: GitObservation }> {
  const sourceBranch = config.variant === "dev-model" ? config.branches.dev : config.branches.next;
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
  const horizon = now.getTime() - TAG_HORIZON_DAYS * DAY_MS;
  const recent = observation.tags.filter(
    (tag) => tag.commit !== null && (tag.date?.getTime() ?? now.getTime()) >= horizon,
  );
  const policy = buildTagPolicy(config);
  const tags: TagFacts[] = await Promise.all(
    recent.map(async (tag): Promise<TagFacts> => {
      const [verdict, merge] = await Promise.all([
        git.verifyTag(tag.name, {
          policy,
          now,
          stableGlob,
          ...(options.allowedSignersFile ? { allowedSignersFile: options.allowedSignersFile } : {}),
        }),
        git.findUpstreamMerge(tag.commit!, observation.upstreamHead),
      ]);
      return {
        name: tag.name,
        sha: tag.commit!,
        object: tag.object,
        taggerDate: tag.date,
        stableBranch: verdict.stableBranch,
        check: { valid: verdict.valid, problems: verdict.problems },
        mergedUpstream: merge.reachable ? { mergeCommit: merge.mergeCommit ?? merge.commit, at: merge.mergedAt } : null,
      };
    }),
  );
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
