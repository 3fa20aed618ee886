// What the git layer reports back after acting (rebase advice and results, stable branch and tag creation), as
// plain data the domain renders (git-reports.ts); the adapters fill these in and never word them.
import type { KernelVersion } from "./version.ts";

/** An upstream version tag; `date` is the tagger date (annotated) or committer date (lightweight). */
export interface UpstreamVersionTag {
  readonly name: string;
  readonly version: KernelVersion;
  readonly commit: string;
  readonly date: Date;
  readonly annotated: boolean;
}

export interface MergeFact {
  readonly sha: string;
  readonly parents: readonly string[];
  readonly subject: string;
  readonly foreign: boolean;
}

export interface OwnCommit {
  readonly sha: string;
  readonly parents: readonly string[];
  readonly subject: string;
}

export type RebaseRefusalCode =
  | "not-a-version-tag"
  | "unknown-upstream-tag"
  | "next-missing"
  | "foreign-merges"
  | "target-behind-next"
  | "conflict"
  | "rebase-failed"
  | "commits-missing"
  | "backup-failed"
  | "push-rejected"
  /** The push failed without a clear answer and the remote's branch is neither the old nor the new SHA. */
  | "push-unconfirmed";

/** Why nothing was pushed; `next` on the remote is as it was, except after `push-unconfirmed` (state unknown). */
export interface RebaseRefusal {
  readonly status: "refused";
  readonly code: RebaseRefusalCode;
  readonly message: string;
  readonly conflicts?: readonly string[];
  /** Each conflicting commit of next with its files, oldest first. */
  readonly conflictingCommits?: readonly ConflictingCommit[];
  readonly missing?: readonly OwnCommit[];
  readonly foreignMerges?: readonly MergeFact[];
}

/** A commit of next that conflicts when replayed, and its conflicting files. */
export interface ConflictingCommit {
  readonly sha: string;
  readonly subject: string;
  readonly files: readonly string[];
}

/** A rebase attempt: clean with a new head, or not, with every conflicting file of every commit. */
export interface TrialRebase {
  readonly clean: boolean;
  readonly newHead: string | null;
  /** Every conflicting file, in the order the commits meet them. */
  readonly conflicts: readonly string[];
  /** The conflicting commits (a rebase in a worktree stops at the first one, so it lists only that one). */
  readonly conflictingCommits: readonly ConflictingCommit[];
  /** The first commit of next that did not apply. */
  readonly stoppedAt: string | null;
  readonly output: string;
  /** Why this rebase needed a worktree (`git rebase`), or absent when it was replayed with merge-tree. */
  readonly worktreeReason?: string;
}

export interface RebaseAdvice {
  readonly branch: string | null;
  readonly sha: string | null;
  readonly onto: string;
  readonly base: UpstreamVersionTag | null;
  /** Commits in the target that next does not have. */
  readonly behind: number | null;
  readonly upstreamPathChanges: readonly string[];
  readonly ownCommits: number;
  readonly merges: readonly MergeFact[];
  /** Why a real rebase would be refused before trying (then no trial is run). */
  readonly refusal: RebaseRefusal | null;
  readonly trial: TrialRebase | null;
}

export type RebaseResult =
  | {
      readonly status: "rebased";
      readonly branch: string;
      readonly oldSha: string;
      readonly newSha: string;
      readonly onto: string;
      readonly ontoCommit: string;
      /** The remote ref holding the old next: `refs/merge-window/backup/<branch>-<YYYYMMDDTHHMMSSZ>-<12 hex>`. */
      readonly backupRef: string;
      /** `git range-diff` pair lines, old → new. */
      readonly rangeDiff: readonly string[];
      /** The push reported an error, but re-reading the remote found next at the new SHA: it had been applied. */
      readonly confirmedAfterError?: boolean;
    }
  | { readonly status: "unchanged"; readonly branch: string; readonly sha: string; readonly onto: string }
  | RebaseRefusal;

export type StableBranchResult =
  | { readonly status: "created"; readonly name: string; readonly sha: string }
  | { readonly status: "exists"; readonly name: string; readonly sha: string }
  | {
      readonly status: "refused";
      readonly code: "exists-elsewhere" | "not-a-commit" | "push-failed";
      readonly name: string;
      readonly sha: string;
      /** What the remote branch points at when it exists elsewhere. */
      readonly existing: string | null;
      readonly message: string;
    };

export type SignedTagResult =
  | { readonly status: "created"; readonly name: string; readonly object: string; readonly commit: string }
  | {
      readonly status: "refused";
      readonly code: "exists" | "sign-failed" | "push-failed";
      readonly name: string;
      readonly message: string;
    };
