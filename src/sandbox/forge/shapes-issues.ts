// GitHub's JSON for issues (pull requests included, with their `pull_request` key) and issue comments.
import type { components } from "@octokit/openapi-types";
import { buildLabel, buildNodeId, buildUser, type Urls } from "./shapes.ts";
import type { ForgeComment, ForgeIssue, ForgeLabel, ForgeRepo } from "./types.ts";

type Schema<K extends keyof components["schemas"]> = components["schemas"][K];

/** The repository's label records for an issue's (lower-cased) label keys, in the issue's order. */
export function labelsOf(repo: ForgeRepo, issue: ForgeIssue): ForgeLabel[] {
  return issue.labels.map((key) => repo.labels.get(key)).filter((label): label is ForgeLabel => label !== undefined);
}

export function buildIssue(urls: Urls, repo: ForgeRepo, issue: ForgeIssue): Schema<"issue"> {
  const api = `${urls.api}/repos/${repo.fullName}/issues/${issue.number}`;
  const html = `${urls.html}/${repo.fullName}/${issue.pull ? "pull" : "issues"}/${issue.number}`;
  const shape: Schema<"issue"> = {
    id: issue.id,
    node_id: buildNodeId(issue.pull ? "PullRequest" : "Issue", issue.id),
    url: api,
    repository_url: `${urls.api}/repos/${repo.fullName}`,
    labels_url: `${api}/labels{/name}`,
    comments_url: `${api}/comments`,
    events_url: `${api}/events`,
    html_url: html,
    number: issue.number,
    state: issue.state,
    state_reason: issue.stateReason,
    title: issue.title,
    body: issue.body,
    user: buildUser(urls, issue.user),
    labels: labelsOf(repo, issue).map((label) => buildLabel(urls, repo, label)),
    assignee: null,
    assignees: [],
    milestone: null,
    locked: false,
    active_lock_reason: null,
    comments: issue.comments.length,
    closed_at: issue.closedAt,
    created_at: issue.createdAt,
    updated_at: issue.updatedAt,
    closed_by: issue.closedBy ? buildUser(urls, issue.closedBy) : null,
    author_association: issue.authorAssociation,
    timeline_url: `${api}/timeline`,
    performed_via_github_app: null,
    reactions: buildReactions(`${api}/reactions`),
  };
  if (issue.pull) {
    const pulls = `${urls.api}/repos/${repo.fullName}/pulls/${issue.number}`;
    shape.draft = issue.pull.draft;
    shape.pull_request = {
      url: pulls,
      html_url: html,
      diff_url: `${html}.diff`,
      patch_url: `${html}.patch`,
      merged_at: null,
    };
  }
  return shape;
}

export function buildComment(urls: Urls, repo: ForgeRepo, comment: ForgeComment): Schema<"issue-comment"> {
  const issue = repo.issues.get(comment.issueNumber);
  const kind = issue?.pull ? "pull" : "issues";
  return {
    id: comment.id,
    node_id: buildNodeId("IssueComment", comment.id),
    url: `${urls.api}/repos/${repo.fullName}/issues/comments/${comment.id}`,
    html_url: `${urls.html}/${repo.fullName}/${kind}/${comment.issueNumber}#issuecomment-${comment.id}`,
    body: comment.body,
    user: buildUser(urls, comment.user),
    created_at: comment.createdAt,
    updated_at: comment.updatedAt,
    issue_url: `${urls.api}/repos/${repo.fullName}/issues/${comment.issueNumber}`,
    author_association: comment.authorAssociation,
    performed_via_github_app: null,
    reactions: buildReactions(`${urls.api}/repos/${repo.fullName}/issues/comments/${comment.id}/reactions`),
  };
}

function buildReactions(url: string): Schema<"reaction-rollup"> {
  return { url, total_count: 0, "+1": 0, "-1": 0, laugh: 0, confused: 0, heart: 0, hooray: 0, eyes: 0, rocket: 0 };
}
