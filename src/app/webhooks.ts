// GitHub webhooks → triggers: an allowlist of (event, action) pairs; everything else is ignored.
import type { Trigger } from "../ports.ts";
import { parseTestRunTitle } from "./test-runs.ts";

/** The (event, action) pairs merge-window acts on. `*` means the event has no action field. */
export const HANDLED_EVENTS = {
  push: ["*"],
  create: ["*"],
  delete: ["*"],
  pull_request: ["opened", "synchronize", "reopened", "edited"],
  issue_comment: ["created"],
  workflow_run: ["completed"],
  installation: ["created", "new_permissions_accepted", "unsuspend", "deleted", "suspend"],
  installation_repositories: ["added"],
} as const satisfies Record<string, readonly string[]>;

export type HandledEvent = keyof typeof HANDLED_EVENTS;

interface Repo {
  readonly name: string;
  readonly owner: { readonly login: string };
}
interface Payload {
  readonly action?: string;
  readonly installation?: { readonly id: number };
  readonly repository?: Repo;
  readonly repositories?: readonly { readonly full_name: string }[];
  readonly repositories_added?: readonly { readonly full_name: string }[];
  readonly [key: string]: unknown;
}

export interface MappedWebhook {
  readonly installationId: number;
  /** `owner/name` of each repository the trigger is for. */
  readonly repositories: readonly string[];
  readonly trigger: Trigger;
}

/** True when (event, action) is on the allowlist. */
export function isHandled(event: string, action: string | undefined): event is HandledEvent {
  const actions = (HANDLED_EVENTS as Record<string, readonly string[]>)[event];
  return actions !== undefined && (actions.includes("*") || (action !== undefined && actions.includes(action)));
}

/** Maps an allowlisted webhook to a trigger; null when it is not ours to act on. */
export function mapWebhook(event: string, payload: Payload): MappedWebhook | null {
  if (!isHandled(event, payload.action) || typeof payload.installation?.id !== "number") return null;
  const installationId = payload.installation.id;
  const owner: unknown = payload.repository?.owner?.login;
  const name: unknown = payload.repository?.name;
  // A payload of the wrong shape is not ours to act on (it never reaches a handler as a crash).
  const repository = typeof owner === "string" && typeof name === "string" ? [`${owner}/${name}`] : [];
  const trigger = mapTrigger(event, payload);
  if (!trigger) return null;
  if (event === "installation" || event === "installation_repositories") {
    const repos = (payload.repositories_added ?? payload.repositories ?? []).map((repo) => repo.full_name);
    return { installationId, repositories: repos, trigger };
  }
  return repository.length > 0 ? { installationId, repositories: repository, trigger } : null;
}

/** The fields mapTrigger reads, all optional: GitHub's payloads are checked field by field, not trusted whole. */
interface TriggerPayload {
  readonly action?: string;
  readonly ref?: string;
  readonly after?: string;
  readonly deleted?: boolean;
  readonly ref_type?: string;
  readonly pull_request?: {
    readonly number?: number;
    readonly base?: { readonly ref?: string };
    readonly additions?: number;
    readonly deletions?: number;
    readonly labels?: readonly { readonly name: string }[];
  };
  readonly comment?: { readonly id?: number; readonly body?: string; readonly user?: Account | null };
  readonly issue?: { readonly number?: number };
  readonly sender?: Account;
  readonly workflow_run?: {
    readonly path?: string;
    readonly head_branch?: string;
    readonly head_sha?: string;
    /** The run's name (`run-name:`): names the tested branch and commit for dispatched weekly tests. */
    readonly display_title?: string;
    readonly conclusion?: string | null;
    readonly html_url?: string;
  };
}

interface Account {
  readonly login?: string;
  readonly type?: string;
}

function mapTrigger(event: HandledEvent, payload: Payload): Trigger | null {
  const p = payload as TriggerPayload;
  switch (event) {
    case "push":
      return { kind: "push", ref: String(p.ref), sha: String(p.after), deleted: Boolean(p.deleted) };
    case "create":
      return {
        kind: "push",
        ref: `refs/${p.ref_type === "tag" ? "tags" : "heads"}/${String(p.ref)}`,
        sha: "",
        deleted: false,
      };
    case "delete":
      return {
        kind: "push",
        ref: `refs/${p.ref_type === "tag" ? "tags" : "heads"}/${String(p.ref)}`,
        sha: "",
        deleted: true,
      };
    case "pull_request": {
      const pr = p.pull_request!;
      return {
        kind: "pull-request",
        number: Number(pr.number),
        base: String(pr.base?.ref ?? ""),
        additions: Number(pr.additions ?? 0),
        deletions: Number(pr.deletions ?? 0),
        labels: (pr.labels ?? []).map((label) => label.name),
      };
    }
    case "issue_comment": {
      const { sender } = p;
      const comment = p.comment!;
      const issue = p.issue!;
      return {
        kind: "comment",
        commentId: Number(comment.id),
        issue: Number(issue.number),
        body: String(comment.body ?? ""),
        actor: String(comment.user?.login ?? sender?.login ?? ""),
        // GitHub marks apps as "Bot"; the app's own comments come back as webhooks too.
        actorIsBot:
          comment.user?.type === "Bot" || sender?.type === "Bot" || String(comment.user?.login ?? "").endsWith("[bot]"),
      };
    }
    case "workflow_run": {
      const run = p.workflow_run!;
      // Dispatched on the default branch: the run's title names what it tested (older setups: its head).
      const tested = parseTestRunTitle(String(run.display_title ?? ""));
      return {
        kind: "workflow-run",
        path: String(run.path ?? ""),
        branch: tested?.ref ?? String(run.head_branch ?? ""),
        sha: tested?.sha ?? String(run.head_sha ?? ""),
        conclusion: String(run.conclusion ?? "unknown"),
        url: String(run.html_url ?? ""),
      };
    }
    case "installation":
    case "installation_repositories":
      return { kind: "tick", job: `installation.${String(p.action)}` };
  }
}
