// Pull requests into the source branch: retarget suggestions for fixes (C8) and late-cycle deferral (C9).
import type { Context } from "./transition.ts";

export interface PullRequestFacts {
  readonly number: number;
  /** The branch it targets. */
  readonly base: string;
  readonly additions: number;
  readonly deletions: number;
  readonly labels: readonly string[];
  /** Whether any commit carries a `Fixes:` trailer. */
  readonly fixesTrailer: boolean;
}

/**
 * The largest change (added + deleted lines) still taken into the source branch now: unlimited before
 * the late threshold, then halved with each rc past it; during the window, a quarter.
 */
export function deferralLimit(
  maxLines: number,
  where: { rc: number | null; windowDay: number | null },
  lateThreshold: number,
): number {
  if (where.windowDay !== null) return Math.max(1, Math.floor(maxLines / 4));
  if (where.rc === null || where.rc < lateThreshold) return Number.POSITIVE_INFINITY;
  return Math.max(1, Math.floor(maxLines / 2 ** (where.rc - lateThreshold)));
}

export function handlePullRequest(pr: PullRequestFacts, context: Context): void {
  const { cycle, facts, settings, log } = context;
  if (pr.base !== cycle.sourceBranch) return;
  const isFix = pr.fixesTrailer || pr.labels.some((label) => settings.lateDeferral.fixLabels.includes(label));
  const fixesBranch =
    cycle.fixesBranch && facts.stableBranches.some((b) => b.name === cycle.fixesBranch) ? cycle.fixesBranch : null;
  if (isFix && fixesBranch) {
    log.emit({
      type: "comment-pr",
      key: `retarget:#${pr.number}`,
      pr: pr.number,
      body: `This looks like a fix (${pr.fixesTrailer ? "a `Fixes:` trailer" : "a fix label"}). If it is needed for the current v${cycle.id}-rc, consider retargeting it to \`${fixesBranch}\` so it reaches Linus before the release.`,
    });
    return;
  }
  if (!settings.lateDeferral.enabled || pr.labels.includes(settings.lateDeferral.label)) return;
  const size = pr.additions + pr.deletions;
  const limit = deferralLimit(settings.lateDeferral.maxLines, cycle.where, settings.cycle.lateThreshold);
  if (size <= limit) return;
  const when = cycle.where.windowDay !== null ? "the merge window is open" : `v${cycle.id}-rc${cycle.where.rc} is out`;
  log.emit({
    type: "label-pr",
    key: `deferred:#${pr.number}`,
    pr: pr.number,
    label: settings.lateDeferral.label,
    comment: `${when}, and this change (${size} lines) is above the ${limit}-line limit for now: it is deferred to the next cycle. A maintainer can remove the \`${settings.lateDeferral.label}\` label to take it anyway; merge-window will not add it again.`,
  });
}
