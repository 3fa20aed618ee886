// Pull requests into the source branch: retarget suggestions for fixes (C8) and late-cycle deferral (C9).
import type { PullRequestEvent } from "./events.ts";
import type { EffectLedger, Situation } from "./situation.ts";

/** Whether any commit message carries a `Fixes: <sha>` trailer (at a line start, 7 to 40 hex digits). */
export function hasFixesTrailer(messages: readonly string[]): boolean {
  return messages.some((message) => /^Fixes:\s+[0-9a-f]{7,40}\b/m.test(message));
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

export function handlePullRequest(event: PullRequestEvent, situation: Situation, ledger: EffectLedger): void {
  const { cycle, facts, settings } = situation;
  const { pr } = event;
  if (pr.base !== cycle.sourceBranch) return;
  const fixesTrailer = hasFixesTrailer(event.commitMessages);
  const isFix = fixesTrailer || pr.labels.some((label) => settings.lateDeferral.fixLabels.includes(label));
  const fixesBranch =
    cycle.fixesBranch && facts.stableBranches.some((b) => b.name === cycle.fixesBranch) ? cycle.fixesBranch : null;
  if (isFix && fixesBranch) {
    ledger.emit({
      type: "comment-pr",
      key: `retarget:#${pr.number}`,
      pr: pr.number,
      body:
        `This looks like a fix (${fixesTrailer ? "a `Fixes:` trailer" : "a fix label"}). If it is needed for ` +
        `the current v${cycle.openingRelease}-rc, consider retargeting it to \`${fixesBranch}\` so it reaches ` +
        `Linus before the release.`,
    });
    return;
  }
  if (!settings.lateDeferral.enabled || pr.labels.includes(settings.lateDeferral.label)) return;
  const size = pr.additions + pr.deletions;
  const limit = deferralLimit(settings.lateDeferral.maxLines, cycle.where, settings.cycle.lateThreshold);
  if (size <= limit) return;
  const when =
    cycle.where.windowDay !== null ? "the merge window is open" : `v${cycle.openingRelease}-rc${cycle.where.rc} is out`;
  ledger.emit({
    type: "label-pr",
    key: `deferred:#${pr.number}`,
    pr: pr.number,
    label: settings.lateDeferral.label,
    comment:
      `${when}, and this change (${size} lines) is above the ${limit}-line limit for now: it is deferred to the ` +
      `next cycle. A maintainer can remove the \`${settings.lateDeferral.label}\` label to take it anyway; ` +
      `merge-window will not add it again.`,
  });
}
