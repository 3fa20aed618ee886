// Comment texts for what the git layer reported: rebase advice and results, stable branch and tag creation.
import type {
  ConflictingCommit,
  RebaseAdvice,
  RebaseResult,
  SignedTagResult,
  StableBranchResult,
} from "./git-results.ts";
import { renderCode, renderCodeBlock, renderText } from "./markdown.ts";

const list = (items: readonly string[], max = 20) =>
  [
    ...items.slice(0, max).map((item) => `- ${renderCode(item)}`),
    ...(items.length > max ? [`- … and ${items.length - max} more`] : []),
  ].join("\n");

/** Each conflicting commit (short id, subject) with its files beneath; at most 20 commits. */
const listConflicts = (commits: readonly ConflictingCommit[]) =>
  [
    ...commits
      .slice(0, 20)
      .map(
        (commit) =>
          `- ${renderCode(commit.sha.slice(0, 12))} ${renderText(commit.subject)}: ` +
          commit.files.map((file) => renderCode(file)).join(", "),
      ),
    ...(commits.length > 20 ? [`- … and ${commits.length - 20} more commits`] : []),
  ].join("\n");

/** The advice as a comment; `branch` is the one asked about (a refused advice does not name it). */
export function renderAdvice(advice: RebaseAdvice, branch: string): string {
  const lines = [`**Rebase advice** for ${renderCode(advice.branch ?? branch)} onto ${renderCode(advice.onto)}:`];
  lines.push(
    `- based on ${renderCode(advice.base?.name ?? "no upstream tag")}, ${advice.behind ?? "?"} upstream ` +
      `commit(s) behind ${renderCode(advice.onto)}; ${advice.ownCommits} commit(s) of ours.`,
  );
  if (advice.upstreamPathChanges.length > 0)
    lines.push(
      `- upstream changed ${advice.upstreamPathChanges.length} file(s) in our paths since:`,
      list(advice.upstreamPathChanges),
    );
  else lines.push("- upstream changed nothing in our paths since.");
  if (advice.refusal) lines.push(`- a rebase would be refused: ${renderText(advice.refusal.message)}`);
  else if (advice.trial) {
    lines.push(
      advice.trial.clean
        ? "- a trial rebase applies cleanly."
        : advice.trial.conflictingCommits.length > 0
          ? `- a trial rebase conflicts in:\n${listConflicts(advice.trial.conflictingCommits)}`
          : `- a trial rebase conflicts in:\n${list(advice.trial.conflicts)}`,
    );
  }
  lines.push("", "Decide with `/merge-window rebase` or `/merge-window skip-rebase`.");
  return lines.join("\n");
}

/** The rebase's outcome as a comment; a refusal has no branch of its own, so `branch` names the one left unchanged. */
export function renderRebaseResult(result: RebaseResult, branch: string): string {
  switch (result.status) {
    case "rebased":
      return [
        `Rebased ${renderCode(result.branch)} onto ${renderCode(result.onto)}: ${result.oldSha.slice(0, 12)} ` +
          `→ ${result.newSha.slice(0, 12)}.`,
        `The old ${renderCode(result.branch)} is kept at ${renderCode(result.backupRef)}.`,
        ...(result.confirmedAfterError
          ? ["The push reported an error, but re-reading the remote showed the update had been applied."]
          : []),
        "",
        "<details><summary>git range-diff</summary>",
        "",
        renderCodeBlock(result.rangeDiff.slice(0, 200).join("\n")),
        "</details>",
        "",
        "Run the regression tests on the rebased branch before it is copied to stable.",
      ].join("\n");
    case "unchanged":
      return `${renderCode(result.branch)} is already on ${renderCode(result.onto)}; nothing was pushed.`;
    case "refused": {
      const extra = result.conflictingCommits?.length
        ? `\nConflicting commits and files:\n${listConflicts(result.conflictingCommits)}`
        : result.conflicts?.length
          ? `\nConflicting files:\n${list(result.conflicts)}`
          : result.missing?.length
            ? `\nCommits missing after the rebase:\n` +
              list(result.missing.map((commit) => `${commit.sha.slice(0, 12)} ${commit.subject}`))
            : "";
      if (result.code === "push-unconfirmed")
        return (
          `**Rebase stopped (${result.code})**: ${renderText(result.message)}. ${renderCode(branch)} is in a state ` +
          `merge-window did not expect; it did not retry. Check ${renderCode(branch)} by hand.`
        );
      return (
        `Rebase refused (${result.code}): ${renderText(result.message)}. ${renderCode(branch)} was not ` +
        `changed.${extra}`
      );
    }
  }
}

/** Why stable-X.Y was not created; null when it was (or already is) where asked. */
export function renderStableResult(result: StableBranchResult): string | null {
  if (result.status !== "refused") return null; // created, or already there at that commit: the checklist shows it
  return (
    `${renderCode(result.name)} was not created (${result.code}): ${renderText(result.message)}. An existing ` +
    `branch is never moved or overwritten.`
  );
}

/** Why the tag was not created; null when it was. */
export function renderTagResult(result: SignedTagResult): string | null {
  if (result.status === "created") return null;
  return `Tag ${renderCode(result.name)} was not created (${result.code}): ${renderText(result.message)}`;
}
