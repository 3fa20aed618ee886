// Rebase advice (how far behind, upstream changes in our paths, a trial rebase) and the real rebase under the safety
// rules (README: Guarantees).
import type { GitContext } from "./context.ts";
import { assertRepoPath } from "./inputs.ts";
import { countCommits, readChangedPaths } from "./observe.ts";
import { BACKUP_PREFIX } from "./refs.ts";
import { pushWithLeases } from "./push.ts";
import {
  buildRefusal,
  findMissingCommits,
  prepareRebase,
  readRangeDiff,
  runRebase,
  type RebaseRequest,
} from "./rebase-steps.ts";
import { replayOnto } from "./replay.ts";
import type { GitIdentity } from "./inputs.ts";
import { withTemporaryWorktree } from "./worktree.ts";
import { killPoint } from "../kill-point.ts";
import type { RebaseAdvice, RebaseResult, TrialRebase } from "../../domain/git-results.ts";

export type { RebaseAdvice, RebaseResult };

export interface RebaseAdviceRequest extends RebaseRequest {
  /** The subsystem's paths; upstream changes to them since next's base are listed. */
  readonly paths?: readonly string[];
}

/** Facts for the rebase decision, including a trial rebase (merge-tree, no checkout); changes no ref anywhere. */
export async function adviseRebase(context: GitContext, request: RebaseAdviceRequest): Promise<RebaseAdvice> {
  const paths = (request.paths ?? []).map(assertRepoPath);
  const plan = await prepareRebase(context, request);
  if ("status" in plan) {
    return {
      branch: null,
      sha: null,
      onto: request.onto,
      base: null,
      behind: null,
      upstreamPathChanges: [],
      ownCommits: 0,
      merges: plan.foreignMerges ?? [],
      refusal: plan,
      trial: null,
    };
  }
  const behind = await countCommits(context.git, plan.old, plan.onto.commit);
  const upstreamPathChanges = plan.base
    ? await readChangedPaths(context.git, plan.base.commit, plan.onto.commit, paths)
    : [];
  // The trial's commits are thrown away: any identity will do when the clone has none configured.
  const trial = await replayNext(context, plan.old, plan.onto.commit, context.identity ?? TRIAL_IDENTITY);
  return {
    branch: plan.branch,
    sha: plan.old,
    onto: plan.onto.name,
    base: plan.base,
    behind,
    upstreamPathChanges,
    ownCommits: plan.ownCommits.length,
    merges: plan.merges,
    refusal: null,
    trial,
  };
}

/** Commits of a trial rebase are never pushed; this stands in when no identity is configured. */
const TRIAL_IDENTITY = { name: "merge-window trial rebase", email: "trial@merge-window.invalid" };

/**
 * next's commits replayed onto `onto` with merge-tree, no worktree (replay.ts); only commits merge-tree cannot copy
 * byte for byte (signed, non-UTF-8 encoded, or commit.gpgSign set) make it `git rebase` in a temporary worktree,
 * and the result says why. Writes objects, changes no ref.
 */
export async function replayNext(
  context: GitContext,
  old: string,
  onto: string,
  identity: GitIdentity | undefined,
): Promise<TrialRebase> {
  const replayed = await replayOnto(context.git, onto, old, identity);
  if ("trial" in replayed) return replayed.trial;
  const trial = await withTemporaryWorktree(context, old, (worktree) => runRebase(worktree, onto, identity));
  return { ...trial, worktreeReason: replayed.needsWorktree };
}

export interface RealRebaseRequest extends RebaseRequest {
  /** When the rebase happens; names the backup ref. */
  readonly now: Date;
}

/** The backup ref name for `branch` at `sha`, rebased at `now`. */
export function buildBackupRef(branch: string, sha: string, now: Date): string {
  const stamp = now
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d+Z$/, "Z");
  return `${BACKUP_PREFIX}${branch}-${stamp}-${sha.slice(0, 12)}`;
}

/**
 * Rebases next onto an upstream tag (README: Guarantees): static checks, replay onto the tag (replayNext), every old
 * commit present by patch-id (or already upstream), backup ref pushed, then `--atomic` push with
 * `--force-with-lease=refs/heads/<next>:<old>`. Every refusal leaves the remote's next untouched.
 */
export async function rebaseNext(context: GitContext, request: RealRebaseRequest): Promise<RebaseResult> {
  const plan = await prepareRebase(context, request);
  if ("status" in plan) return plan;
  const { branch, old } = plan;
  const trial = await replayNext(context, old, plan.onto.commit, context.identity);
  if (!trial.clean || !trial.newHead) {
    return trial.conflicts.length > 0
      ? buildRefusal(
          "conflict",
          `rebasing ${branch} onto ${plan.onto.name} conflicts in ${trial.conflicts.join(", ")}`,
          { conflicts: trial.conflicts, conflictingCommits: trial.conflictingCommits },
        )
      : buildRefusal("rebase-failed", `rebasing ${branch} onto ${plan.onto.name} failed: ${trial.output.trim()}`);
  }
  const newSha = trial.newHead;
  killPoint("rebase:after-local-rebase");
  if (newSha === old) return { status: "unchanged", branch, sha: old, onto: plan.onto.name };
  const missing = await findMissingCommits(context.git, old, newSha);
  if (missing.length > 0) {
    const listed = missing.map((commit) => `${commit.sha.slice(0, 12)} ("${commit.subject}")`).join(", ");
    return buildRefusal(
      "commits-missing",
      `after rebasing onto ${plan.onto.name}, ${missing.length} commit(s) of ${branch} are neither in the ` +
        `result nor upstream: ${listed}`,
      { missing },
    );
  }
  const rangeDiff = await readRangeDiff(context.git, plan.onto.commit, old, newSha);
  const backupRef = buildBackupRef(branch, old, request.now);
  const backup = await pushWithLeases(context.git, context.remote, [
    { sha: old, lease: { ref: backupRef, expect: "" } },
  ]);
  if (!backup.ok)
    return buildRefusal(
      "backup-failed",
      `pushing the backup ${backupRef} to ${context.remote} failed, so ${branch} was not ` +
        `touched: ${backup.failure ?? backup.output.trim()}`,
    );
  killPoint("rebase:after-backup");
  const pushed = await pushWithLeases(context.git, context.remote, [
    { sha: newSha, lease: { ref: `refs/heads/${branch}`, expect: old } },
  ]);
  killPoint("rebase:after-push");
  if (!pushed.ok && !pushed.untouched)
    return buildRefusal(
      "push-unconfirmed",
      `pushing ${branch} failed and re-reading ${context.remote} did not find it where it was or where it was ` +
        `pushed: ${pushed.failure ?? pushed.output.trim()}. The old ${branch} is kept at ${backupRef}`,
    );
  if (!pushed.ok) {
    const reason = pushed.failure ?? pushed.output.trim();
    return buildRefusal(
      "push-rejected",
      `${context.remote} refused the update of ${branch} from ${old.slice(0, 12)} (it moved since it was ` +
        `read, or the push failed): ${reason}`,
    );
  }
  return {
    status: "rebased",
    branch,
    oldSha: old,
    newSha,
    onto: plan.onto.name,
    ontoCommit: plan.onto.commit,
    backupRef,
    rangeDiff,
    ...(pushed.confirmedAfterError ? { confirmedAfterError: true } : {}),
  };
}
