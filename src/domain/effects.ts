// What the machine asks the world to do, as plain data. Adapters apply them (or print them on a dry run).
// `key` makes a one-shot effect idempotent: it is recorded in memory and written as a hidden marker.

export interface TagProblem {
  readonly code: string;
  readonly message: string;
}

export type Effect =
  | { readonly type: "open-tracking-issue"; readonly title: string; readonly body: string; readonly label: string }
  /**
   * The body carries the memory. `handledBy` maps an effect's key to the command (`command:<id>`) that asked for it:
   * when that effect fails, the command is not recorded as handled either, so the next run takes it up again.
   */
  | {
      readonly type: "update-tracking-issue";
      readonly title: string;
      readonly body: string;
      readonly handledBy?: Readonly<Record<string, string>>;
    }
  | { readonly type: "close-tracking-issue"; readonly key: string }
  /** A comment in the tracking issue (reminders, notices); `key` is its hidden marker. */
  | { readonly type: "comment"; readonly key: string; readonly body: string }
  /**
   * A reply on the issue or pull request where a command was given. `afterMemory`: the reply only reports a
   * decision (recorded, refused), so it is posted after the tracking issue recorded it, and not at all if that failed.
   */
  | {
      readonly type: "reply";
      readonly key: string;
      readonly issue: number;
      readonly body: string;
      readonly afterMemory?: boolean;
    }
  /** Rebase advice computed by the git layer (trial rebase), posted in the tracking issue. */
  | { readonly type: "advise-rebase"; readonly key: string; readonly branch: string; readonly onto: string }
  | {
      readonly type: "rebase";
      readonly key: string;
      readonly branch: string;
      readonly onto: string;
      readonly expectedSha: string;
    }
  | { readonly type: "create-branch"; readonly key: string; readonly name: string; readonly sha: string }
  /** Signs and pushes the tag with the app's configured key. */
  | {
      readonly type: "create-tag";
      readonly key: string;
      readonly name: string;
      readonly message: string;
      readonly sha: string;
    }
  /** A check run on the tagged commit (success or failure with the problems). */
  | {
      readonly type: "report-tag-check";
      readonly key: string;
      readonly tag: string;
      readonly sha: string;
      readonly valid: boolean;
      readonly problems: readonly TagProblem[];
    }
  /** Deletes a tag that failed its check, only if it still points at `object` (a fixed re-push is kept). */
  | { readonly type: "delete-tag"; readonly key: string; readonly tag: string; readonly object: string }
  | {
      readonly type: "post-request-pull";
      readonly key: string;
      readonly tag: string;
      readonly base: string;
      readonly kind: "window" | "fixes";
      readonly version: string;
    }
  /** A pull request from `head` (our stable branch) to `repo`'s `branch` (pullRequest.openUpstreamPr). */
  | {
      readonly type: "open-upstream-pr";
      readonly key: string;
      readonly tag: string;
      readonly base: string;
      readonly version: string;
      readonly head: string;
      readonly repo: string;
      readonly branch: string;
    }
  | {
      readonly type: "dispatch-tests";
      readonly key: string;
      /** Branches to test at these commits (the workflow runs on the default branch and checks them out). */
      readonly targets: readonly { readonly ref: string; readonly sha: string }[];
    }
  | {
      readonly type: "label-pr";
      readonly key: string;
      readonly pr: number;
      readonly label: string;
      readonly comment: string;
    }
  | { readonly type: "comment-pr"; readonly key: string; readonly pr: number; readonly body: string };

export type EffectType = Effect["type"];
