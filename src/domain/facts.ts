// What the machine is told about the world: the repository's refs as git sees them, and the app's memory
// (the only state that cannot be derived, kept in the tracking issue's hidden metadata block).
import type { UpstreamTag } from "./calendar.ts";

/** The branch that collects the window's patches (`next`, or `dev` in the dev model). */
export interface SourceBranchFacts {
  readonly name: string;
  readonly sha: string;
  /** The newest upstream version tag it is based on (null: not based on any). */
  readonly base: string | null;
  /** Commits in the branch that are not upstream. */
  readonly ahead: number;
  /** Whether it holds merges of others' history (a rebase would rewrite them: refused). */
  readonly foreignMerges: boolean;
}

export interface StableBranchFacts {
  readonly name: string;
  readonly sha: string;
  /** The upstream tag the branch was built on (the window PR's request-pull base). */
  readonly base: string | null;
  /** Commits on the branch contained in no tag of the family and not upstream: fixes not yet sent. */
  readonly unsentCommits: number;
  /** Committer date of the oldest unsent commit. */
  readonly oldestUnsentAt: Date | null;
}

export type TagCheckCode = string;

/** One tag of the configured family (`selinux-pr-*`) and, once checked, the verdict of the tag check. */
export interface TagFacts {
  readonly name: string;
  /** The commit the tag points at (peeled, through tags of tags); the tree or blob when `target` says so. */
  readonly sha: string;
  /** Set when the tag names a tree or a blob: invalid, and no check run can be attached (GitHub needs a commit). */
  readonly target?: "tree" | "blob";
  /** The tag object (annotated) or the commit (lightweight): what a conditional delete compares against. */
  readonly object: string;
  readonly taggerDate: Date | null;
  /** The `stable-X.Y` its message names, when the tagged commit is on that branch (else null). */
  readonly stableBranch: string | null;
  readonly check: {
    readonly valid: boolean;
    readonly problems: readonly { code: TagCheckCode; message: string }[];
  } | null;
  /** Set when the commit is reachable from upstream master: the merge commit that brought it in. */
  readonly mergedUpstream: { readonly mergeCommit: string; readonly at: Date | null } | null;
}

export interface RepoFacts {
  readonly upstreamTags: readonly UpstreamTag[];
  readonly source: SourceBranchFacts | null;
  readonly stableBranches: readonly StableBranchFacts[];
  readonly tags: readonly TagFacts[];
}

export type RebaseChoice = "rebase" | "skip";

/** Persisted, versioned; everything else is re-derived on every event and tick. */
export interface Memory {
  readonly schema: 1;
  /** The release that opens this cycle's window, `6.8` for the v6.9 window (stored as `cycle` before). */
  readonly openingRelease: string;
  readonly rebaseDecision: {
    readonly choice: RebaseChoice;
    readonly by: string;
    readonly at: string;
    readonly sha: string | null;
  } | null;
  /** A maintainer's `/merge-window version X.Y`. */
  readonly versionOverride: string | null;
  /** One-shot effects already done: reminders, notices, handled commands (`remind:window-open`, `command:123`). */
  readonly done: readonly string[];
  /** Latest weekly test result per ref. */
  readonly tests: readonly {
    readonly ref: string;
    readonly sha: string;
    readonly conclusion: string;
    readonly url: string;
    readonly at: string;
  }[];
}

export function emptyMemory(openingRelease: string): Memory {
  return { schema: 1, openingRelease, rebaseDecision: null, versionOverride: null, done: [], tests: [] };
}
