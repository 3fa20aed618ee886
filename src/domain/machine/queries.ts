// Read-only questions about the cycle, asked by the machine and the CLI alike: the current stable branch, the
// next tag, the request-pull base, whether stable-X.Y may be created, and the keys of one-shot steps.
import { versionOfStable } from "../cycle.ts";
import type { TagFacts } from "../facts.ts";
import { nextFreeTagName, renderTemplate } from "../names.ts";
import { describePoint, hasReached } from "../process.ts";
import { isComplete } from "../steps.ts";
import { dateStampOf } from "../time.ts";
import { formatVersionNumber } from "../version.ts";
import type { Situation } from "./situation.ts";

/** The stable branch a tag or request-pull is for now: this window's, or the one taking -rc fixes. */
export function currentStable({ cycle, facts }: Pick<Situation, "cycle" | "facts">): string | null {
  const branch = cycle.where.windowDay !== null ? cycle.stableBranch : cycle.fixesBranch;
  return branch && facts.stableBranches.some((b) => b.name === branch) ? branch : null;
}

/** The tag a maintainer would sign now: the next free name on the current stable branch, its message and commit. */
export interface TagProposal {
  readonly branch: string;
  readonly sha: string;
  readonly name: string;
  readonly message: string;
}

/**
 * The next tag on the current stable branch (null when there is none): `{date}` is `date` (default: today in
 * the configured zone), and the name avoids every name in `existing` (default: the family tags in the facts).
 */
export function deriveTagProposal(
  situation: Situation,
  options: { date?: string; existing?: Iterable<string> } = {},
): TagProposal | null {
  const { facts, settings, now } = situation;
  const branchName = currentStable(situation);
  const branch = facts.stableBranches.find((b) => b.name === branchName);
  if (!branch) return null;
  const version = versionOfStable(branch.name, settings);
  const date = options.date ?? dateStampOf(now, settings.timeZone);
  const fields = { subsystem: settings.subsystem, date, version, rc: String(situation.upstream.rc ?? 1) };
  const name = nextFreeTagName(settings.tags.name, fields, options.existing ?? facts.tags.map((tag) => tag.name));
  return { branch: branch.name, sha: branch.sha, name, message: renderTemplate(settings.tags.message, fields) };
}

/**
 * The base a maintainer would use: for a follow-up fixes PR the previous valid tag on the same branch; else
 * the upstream tag the branch was built on.
 */
export function requestPullBase(
  tag: TagFacts,
  branch: string,
  { facts, cycle }: Pick<Situation, "cycle" | "facts">,
): string {
  const earlier = facts.tags
    .filter(
      (other) =>
        other.stableBranch === branch &&
        other.check?.valid === true &&
        other.name !== tag.name &&
        (other.taggerDate?.getTime() ?? 0) < (tag.taggerDate?.getTime() ?? 0),
    )
    .sort((a, b) => (a.taggerDate?.getTime() ?? 0) - (b.taggerDate?.getTime() ?? 0));
  const previous = earlier.at(-1);
  if (previous) return previous.name;
  return facts.stableBranches.find((b) => b.name === branch)?.base ?? cycle.rebaseOnto;
}

/** Why `stable-X.Y` cannot be created now, or null when it can (by command or by automation alike). */
export function stableRefusal({ cycle, steps }: Pick<Situation, "cycle" | "steps">): string | null {
  if (!cycle.targetCertain) {
    const options = [cycle.target, ...cycle.targetAlternatives].map(formatVersionNumber).join(" or ");
    return (
      `refused: the number of the next release is not settled (${options}); ` +
      "comment `/merge-window version X.Y` first."
    );
  }
  const step = (id: "rebase-decision" | "rebase") => steps.find((s) => s.id === id);
  if (!isComplete(step("rebase-decision")) || !isComplete(step("rebase")))
    return (
      "refused: the rebase decision is not settled (`/merge-window rebase` or `/merge-window skip-rebase`), or " +
      "the rebase is not done."
    );
  const due = cycle.process.steps.find((s) => s.id === "create-stable")!.due;
  if (!hasReached(due, cycle.where))
    return `refused: too early, \`${cycle.stableBranch}\` is created from ${describePoint(due)}.`;
  return null;
}

/** Key of the automatic rebase once a maintainer decided to rebase onto `onto` (`automation.rebase: auto`). */
export function autoRebaseKey(onto: string): string {
  return `rebase:auto:${onto}`;
}

/** Key of the automatic tag proposal (or app signing) for `branch` at `sha`. */
export function proposalKey(branch: string, sha: string): string {
  return `propose-tag:${branch}@${sha}`;
}
