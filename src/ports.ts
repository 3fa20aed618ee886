// The interfaces run() needs from the outside world, declared by their consumer; adapters implement them.
import type { Permission } from "./domain/commands.ts";
import type { TagProblem } from "./domain/effects.ts";
import type { TrackingIssue } from "./domain/tracking-issue.ts";
import type { PullRequest, ThreadReply } from "./domain/machine/events.ts";
import type { GitLayer } from "./adapters/git/index.ts";
import type { RequestPullSource } from "./adapters/git/request-pull-source.ts";

export type { TrackingIssue };

/** A comment in a thread the app answers in, with whether the app already replied to it (its reply marker). */
export interface ThreadComment {
  readonly id: number;
  readonly body: string;
  readonly actor: string;
  readonly actorIsBot: boolean;
  readonly answered: boolean;
}

/** A comment in any thread of the repository (issues and pull requests), with the thread it is in. */
export interface RepositoryComment extends ThreadComment {
  readonly issue: number;
}

export interface CheckRunReport {
  readonly sha: string;
  /** e.g. `merge-window / tag selinux-pr-20240312` — one check run per (name, sha), updated in place. */
  readonly name: string;
  readonly conclusion: "success" | "failure" | "neutral";
  readonly title: string;
  readonly summary: string;
  readonly problems?: readonly TagProblem[];
}

export interface PullRequestRecord {
  readonly number: number;
  readonly url: string;
}

/**
 * What run() asks of GitHub for one repository. Non-idempotent writes (issue, comment, pull request)
 * are never retried blindly: after a failure the adapter re-reads (by marker) whether the first attempt
 * landed. Every body is kept under 65,536 characters.
 */
export interface GitHubPort {
  /** `.github/merge-window.yml` (or another path) on the default branch; null when absent. */
  readConfigFile(path: string): Promise<string | null>;
  /** All issues carrying `label` (open and closed), newest first, with whether the app authored them. */
  listTrackingIssues(label: string): Promise<TrackingIssue[]>;
  /**
   * One issue by number, read conditionally (a 304 when unchanged); null when it is gone (404, 410) or was
   * transferred to another repository. `threadChanged`: its comment count differs from what the app last
   * listed plus what it posted since (someone else commented, or nothing is known).
   */
  readIssue(number: number): Promise<{ issue: TrackingIssue; changed: boolean; threadChanged: boolean } | null>;
  /** Creates the issue (and the label if missing); returns its number. */
  openIssue(input: { title: string; body: string; label: string; marker: string }): Promise<number>;
  updateIssue(number: number, input: { title?: string; body?: string; state?: "open" | "closed" }): Promise<void>;
  /** Every comment on `issue` not authored by the app, oldest first: where unhandled commands are found. */
  listThreadComments(issue: number): Promise<ThreadComment[]>;
  /**
   * Every comment of every thread (issues and pull requests) updated since `since`, not authored by the app, oldest
   * first, each with whether the app replied to it; at most `RECENT_COMMENTS_LIMIT`, the newest dropped beyond.
   */
  listRecentComments(since: Date): Promise<RepositoryComment[]>;
  /** The app's replies in a thread (comments keyed `reply:…`), oldest first, with when each was posted. */
  listAppReplies(issue: number): Promise<ThreadReply[]>;
  /** Posts a comment carrying the hidden marker `key` unless an app-authored comment with it exists. */
  upsertComment(issue: number, key: string, body: string): Promise<void>;
  /** Creates or updates the check run `name` on `sha`. */
  reportCheckRun(report: CheckRunReport): Promise<void>;
  addLabel(issue: number, label: string): Promise<void>;
  /** Opens a pull request (possibly in another repository) unless one with the same head and base is open. */
  openPullRequest(input: {
    repo: string;
    head: string;
    base: string;
    title: string;
    body: string;
  }): Promise<PullRequestRecord>;
  /** Dispatches `workflow` on the default branch (kernel branches have no .github/), inputs naming what to test. */
  dispatchWorkflow(workflow: string, target: { readonly ref: string; readonly sha: string }): Promise<void>;
  /** The user's permission on the repository, read now; null when it cannot be read (fails closed). */
  getPermission(login: string): Promise<Permission | null>;
  /** Commit messages of a pull request (for `Fixes:` trailers). */
  listPullRequestCommitMessages(number: number): Promise<string[]>;
}

/** The git operations run() uses (the git layer, minus what only the CLI needs). */
export type GitPort = Pick<
  GitLayer,
  | "observe"
  | "findUpstreamMerge"
  | "adviseRebase"
  | "rebaseNext"
  | "createStableBranch"
  | "createSignedTag"
  | "deleteTag"
  | "readTagFacts"
>;
export type { RequestPullSource };

export type Trigger =
  /** A schedule slot; `upstreamTag`: the poll that saw this new upstream tag (a hint, not a weekly slot). */
  | { readonly kind: "tick"; readonly job: string; readonly upstreamTag?: string }
  | { readonly kind: "push"; readonly ref: string; readonly sha: string; readonly deleted: boolean }
  | {
      readonly kind: "comment";
      readonly commentId: number;
      readonly issue: number;
      readonly body: string;
      readonly actor: string;
      readonly actorIsBot: boolean;
    }
  | ({ readonly kind: "pull-request" } & PullRequest)
  | {
      readonly kind: "workflow-run";
      readonly path: string;
      readonly branch: string;
      readonly sha: string;
      readonly conclusion: string;
      readonly url: string;
    };
