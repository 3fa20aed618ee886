// What can start a run of the app: a webhook (already mapped and allowlisted) or a scheduled job.

export type Trigger =
  | { readonly kind: "tick"; readonly job: string }
  | { readonly kind: "push"; readonly ref: string; readonly sha: string; readonly deleted: boolean }
  | { readonly kind: "comment"; readonly commentId: number; readonly issue: number; readonly body: string; readonly actor: string; readonly actorIsBot: boolean }
  | {
      readonly kind: "pull-request";
      readonly number: number;
      readonly base: string;
      readonly additions: number;
      readonly deletions: number;
      readonly labels: readonly string[];
    }
  | { readonly kind: "workflow-run"; readonly path: string; readonly branch: string; readonly sha: string; readonly conclusion: string; readonly url: string };

