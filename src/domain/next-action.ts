// The one sentence a maintainer wants from `status`: what to do now, or what is awaited.
import type { CycleView } from "./cycle.ts";
import { describePoint } from "./process.ts";
import { isComplete, type StepStatus } from "./steps.ts";
import { formatVersionNumber } from "./version.ts";

const ACTION: Record<StepStatus["id"], (cycle: CycleView) => string> = {
  "rebase-decision": (cycle) =>
    `decide whether to rebase ${cycle.sourceBranch} onto ${cycle.rebaseOnto} (/merge-window rebase or skip-rebase)`,
  rebase: (cycle) => `rebase ${cycle.sourceBranch} onto ${cycle.rebaseOnto} (/merge-window rebase)`,
  "create-stable": (cycle) => `copy ${cycle.sourceBranch} to ${cycle.stableBranch} (/merge-window create-stable)`,
  tag: (cycle) => `sign a tag on ${cycle.stableBranch} (/merge-window tag shows the commands)`,
  "request-pull": () => "send the [GIT PULL] request (/merge-window request-pull)",
  merged: () => "wait for Linus to merge the pull request",
};

/** What to do now (the first due or overdue step), else what comes next and when. */
export function deriveNextAction(cycle: CycleView, steps: readonly StepStatus[]): string {
  const version = `v${formatVersionNumber(cycle.target)}`;
  if (!cycle.targetCertain && cycle.where.windowDay !== null) {
    const options = [cycle.target, ...cycle.targetAlternatives].map(formatVersionNumber).join(" or ");
    return `Settle the version number first: ${options} (/merge-window version X.Y).`;
  }
  const urgent = steps.find((step) => step.state === "overdue") ?? steps.find((step) => step.state === "due");
  if (urgent) {
    const action = ACTION[urgent.id](cycle);
    return (
      `${action[0]!.toUpperCase()}${action.slice(1)}` +
      `${urgent.state === "overdue" ? ` (overdue: ${urgent.detail})` : ` (${urgent.detail})`}.`
    );
  }
  const waiting = steps.find((step) => step.state === "waiting");
  if (waiting) {
    const due = cycle.process.steps.find((step) => step.id === waiting.id)!.due;
    return (
      `Keep merging patches into ${cycle.sourceBranch} for the ${version} window; ` +
      `next: ${ACTION[waiting.id](cycle)} from ${describePoint(due)}.`
    );
  }
  if (steps.every(isComplete)) return `The ${version} pull request is merged; this cycle is complete.`;
  const blocked = steps.find((step) => step.state === "blocked");
  return blocked ? `${blocked.title} is blocked: ${blocked.detail}.` : "Nothing to do.";
}
