// What reaches the machine. Every event is a hint to reconcile the repository: transition() derives the whole
// cycle from facts and memory and does what the cycle asks for now, whatever the event. An event carries only
// what a decision reads besides that: a command to answer, a pull request to judge, a workflow result to record.
import type { ParsedCommand, Permission } from "../commands.ts";

/** A pull request as GitHub's webhook describes it (the trigger and the machine share this shape). */
export interface PullRequest {
  readonly number: number;
  /** The branch it targets. */
  readonly base: string;
  readonly additions: number;
  readonly deletions: number;
  readonly labels: readonly string[];
}

/** One of the app's replies in a thread: its key (`reply:<comment id>`, `…:denied:<login>` for a denial), time. */
export interface ThreadReply {
  readonly key: string;
  /** ISO 8601, as GitHub gives `created_at`. */
  readonly at: string;
}

export type CommandEvent = {
  readonly type: "command";
  /** The comment id: a duplicate delivery of the same comment does nothing. */
  readonly id: string;
  readonly issue: number;
  readonly actor: string;
  readonly actorIsBot: boolean;
  /** Read from the repository permission API when the command runs; null when unknown (fails closed). */
  readonly permission: Permission | null;
  readonly command: ParsedCommand;
  /** Taken up again by a later run (found unhandled in the thread), and the app's reply is already there. */
  readonly answered?: boolean;
  /** The app's replies in the command's thread when the command runs (its reply budget); absent: none known. */
  readonly threadReplies?: readonly ThreadReply[];
};

export type PullRequestEvent = {
  readonly type: "pull-request";
  readonly pr: PullRequest;
  /** The messages of its commits (a `Fixes:` trailer makes it a fix). */
  readonly commitMessages: readonly string[];
};

export type MachineEvent =
  /**
   * Only the hint: a push, a deleted ref, a new upstream tag or a schedule slot. `scheduled`: a slot of the
   * schedule, the only runs that dispatch the weekly tests (pushes and new upstream tags do not).
   */
  | { readonly type: "reconcile"; readonly scheduled: boolean }
  | CommandEvent
  | PullRequestEvent
  /** The configured test workflow finished on `ref` (see isTestsWorkflow): its result is recorded. */
  | {
      readonly type: "checks-finished";
      readonly ref: string;
      readonly sha: string;
      readonly conclusion: string;
      readonly url: string;
    };

/** Whether a finished workflow run at `path` (`.github/workflows/x.yml`) is the configured weekly test workflow. */
export function isTestsWorkflow(
  path: string,
  settings: { readonly tests: { readonly workflow: string | null } },
): boolean {
  const workflow = settings.tests.workflow;
  return workflow !== null && path.endsWith(`/${workflow}`);
}
