// Issue and label webhooks shared by issues, labels and pull requests; label records created on demand.
import { emitWebhook, stampNow, type ForgeContext } from "./context.ts";
import { buildIssue } from "./shapes-issues.ts";
import { buildPullRequest } from "./shapes-pulls.ts";
import { buildLabel } from "./shapes.ts";
import type { ForgeAccount, ForgeIssue, ForgeLabel, ForgeRepo } from "./types.ts";

export const DEFAULT_COLOR = "ededed";

/**
 * Queues `issues.<action>`, or `pull_request.<action>` when the issue is a pull request (GitHub sends the
 * pull_request event for labels, edits, close and reopen of a pull request).
 */
export async function emitIssueEvent(
  ctx: ForgeContext,
  repo: ForgeRepo,
  issue: ForgeIssue,
  action: string,
  extra: Readonly<Record<string, unknown>>,
  sender: ForgeAccount,
): Promise<void> {
  if (issue.pull) {
    const pullRequest = await buildPullRequest(ctx, repo, issue);
    emitWebhook(
      ctx,
      repo,
      "pull_request",
      { action, number: issue.number, pull_request: pullRequest, ...extra },
      sender,
    );
  } else {
    emitWebhook(ctx, repo, "issues", { action, issue: buildIssue(ctx.urls, repo, issue), ...extra }, sender);
  }
}

/** Keys of the named labels, creating missing ones (GitHub creates them with color ededed). */
export function ensureLabels(
  ctx: ForgeContext,
  repo: ForgeRepo,
  names: readonly string[],
  sender: ForgeAccount,
): string[] {
  const keys: string[] = [];
  for (const name of names) {
    const key = name.toLowerCase();
    if (!repo.labels.has(key)) createLabelRecord(ctx, repo, { name, color: DEFAULT_COLOR, description: null }, sender);
    if (!keys.includes(key)) keys.push(key);
  }
  return keys;
}

export function createLabelRecord(
  ctx: ForgeContext,
  repo: ForgeRepo,
  fields: Omit<ForgeLabel, "id">,
  sender: ForgeAccount,
): ForgeLabel {
  const label: ForgeLabel = { id: ctx.state.nextId("label"), ...fields };
  repo.labels.set(label.name.toLowerCase(), label);
  emitWebhook(ctx, repo, "label", { action: "created", label: buildLabel(ctx.urls, repo, label) }, sender);
  return label;
}

/** Adds `add` and removes `remove` (label keys), with one labeled/unlabeled webhook per actual change. */
export async function applyLabelChanges(
  ctx: ForgeContext,
  repo: ForgeRepo,
  issue: ForgeIssue,
  add: readonly string[],
  remove: readonly string[],
  sender: ForgeAccount,
): Promise<void> {
  for (const key of remove) {
    if (!issue.labels.includes(key)) continue;
    issue.labels = issue.labels.filter((existing) => existing !== key);
    issue.updatedAt = stampNow(ctx);
    await emitIssueEvent(
      ctx,
      repo,
      issue,
      "unlabeled",
      { label: buildLabel(ctx.urls, repo, repo.labels.get(key)!) },
      sender,
    );
  }
  for (const key of add) {
    if (issue.labels.includes(key)) continue;
    issue.labels.push(key);
    issue.updatedAt = stampNow(ctx);
    await emitIssueEvent(
      ctx,
      repo,
      issue,
      "labeled",
      { label: buildLabel(ctx.urls, repo, repo.labels.get(key)!) },
      sender,
    );
  }
}
