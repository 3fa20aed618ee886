// What every route and the git backend share: the world, the clock, URLs, the webhook queue; webhook emission.
import type { KeyObject } from "node:crypto";
import type { TagKeys } from "./git-repo.ts";
import { formatTimestamp } from "./http.ts";
import { buildNodeId, buildRepository, buildUser, type Urls } from "./shapes.ts";
import { installationFor, type ForgeState } from "./state.ts";
import type { ForgeAccount, ForgeRepo, ForgeWorkflowRun, WorkflowConclusion } from "./types.ts";
import type { WebhookQueue } from "./webhooks.ts";

export interface ForgeContext {
  readonly state: ForgeState;
  readonly urls: Urls;
  readonly clock: () => Date;
  readonly webhooks: WebhookQueue;
  /** Keys `GET /git/tags/{sha}` verifies signatures with (GitHub uses the tagger's uploaded keys). */
  readonly tagKeys: TagKeys;
  /** The app's public key: app JWTs must verify against it (RS256). */
  readonly appPublicKey: KeyObject;
  /** Decides a dispatched workflow run's conclusion at once; undefined leaves it queued for the harness. */
  readonly workflowConclusion?: (run: ForgeWorkflowRun) => WorkflowConclusion | undefined;
}

/** The clock's now in GitHub's timestamp format. */
export function stampNow(ctx: ForgeContext): string {
  return formatTimestamp(ctx.clock());
}

export function countOpenIssues(repo: ForgeRepo): number {
  return [...repo.issues.values()].filter((issue) => issue.state === "open").length;
}

/** The `repository` object of webhook payloads (the push event keeps GitHub's unix-seconds quirk). */
function buildPayloadRepository(ctx: ForgeContext, repo: ForgeRepo, event: string): Record<string, unknown> {
  const repository: Record<string, unknown> = {
    ...buildRepository(ctx.urls, repo, countOpenIssues(repo)),
    web_commit_signoff_required: false,
    custom_properties: {},
  };
  if (event === "push") {
    repository.created_at = Math.floor(Date.parse(repo.createdAt) / 1000);
    repository.pushed_at = Math.floor(Date.parse(repo.pushedAt) / 1000);
    repository.stargazers = 0;
    repository.master_branch = repo.defaultBranch;
    repository.owner = { name: repo.owner.login, email: null, ...buildUser(ctx.urls, repo.owner) };
  }
  return repository;
}

/** The `organization` GitHub adds to payloads of organization-owned repositories. */
function buildOrganization(ctx: ForgeContext, account: ForgeAccount): Record<string, unknown> {
  const api = `${ctx.urls.api}/orgs/${account.login}`;
  return {
    login: account.login,
    id: account.id,
    node_id: buildNodeId("Organization", account.id),
    url: api,
    repos_url: `${api}/repos`,
    events_url: `${api}/events`,
    hooks_url: `${api}/hooks`,
    issues_url: `${api}/issues`,
    members_url: `${api}/members{/member}`,
    public_members_url: `${api}/public_members{/member}`,
    avatar_url: `${ctx.urls.html}/avatars/u/${account.id}?v=4`,
    description: null,
  };
}

/**
 * Queues `event` for `repo` with `repository`, `sender` and `installation` filled in, as GitHub does, and only
 * when the app is installed on the repository (GitHub sends an app nothing about other repositories).
 */
export function emitWebhook(
  ctx: ForgeContext,
  repo: ForgeRepo,
  event: string,
  fields: Readonly<Record<string, unknown>>,
  sender: ForgeAccount,
): void {
  const installation = installationFor(ctx.state, repo);
  if (!installation) return;
  ctx.webhooks.enqueue(event, {
    ...fields,
    repository: buildPayloadRepository(ctx, repo, event),
    ...(repo.owner.type === "Organization" ? { organization: buildOrganization(ctx, repo.owner) } : {}),
    sender: buildUser(ctx.urls, sender),
    installation: { id: installation.id, node_id: buildNodeId("Installation", installation.id) },
  });
}
