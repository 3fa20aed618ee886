// GitHub's JSON for pull requests and their commits; counts and diff stats come from git.
import { countOpenIssues, type ForgeContext } from "./context.ts";
import type { CommitInfo } from "./git-repo.ts";
import type { RouteData } from "./route-types.ts";
import { buildIssue, labelsOf } from "./shapes-issues.ts";
import { buildLabel, buildNodeId, buildRepository, buildUser } from "./shapes.ts";
import type { ForgeIssue, ForgeRepo } from "./types.ts";

export type PullRequestShape = RouteData<"GET /repos/{owner}/{repo}/pulls/{pull_number}">;
export type PullRequestSimpleShape = RouteData<"GET /repos/{owner}/{repo}/pulls">[number];
export type CommitShape = RouteData<"GET /repos/{owner}/{repo}/pulls/{pull_number}/commits">[number];

/** The head and base tips of an open pull request (the head as last pushed, the base as it is now). */
export async function readPullTips(repo: ForgeRepo, issue: ForgeIssue): Promise<{ head: string; base: string }> {
  const pull = issue.pull!;
  const base = (await repo.git.resolveCommit(`refs/heads/${pull.base}`)) ?? pull.headSha;
  return { head: pull.headSha, base };
}

/** A full `pull-request`: commits, additions, deletions and changed files are computed with git. */
export async function buildPullRequest(
  ctx: ForgeContext,
  repo: ForgeRepo,
  issue: ForgeIssue,
): Promise<PullRequestShape> {
  const tips = await readPullTips(repo, issue);
  const stat = await repo.git.diffStat(tips.base, tips.head);
  return {
    ...buildPullRequestSimple(ctx, repo, issue, tips),
    merged: false,
    mergeable: null,
    rebaseable: null,
    mergeable_state: "unknown",
    merged_by: null,
    comments: issue.comments.length,
    review_comments: 0,
    maintainer_can_modify: false,
    commits: await repo.git.countCommits(tips.head, [tips.base]),
    additions: stat.additions,
    deletions: stat.deletions,
    changed_files: stat.changedFiles,
  };
}

/** The `pull-request-simple` of list responses. */
export function buildPullRequestSimple(
  ctx: ForgeContext,
  repo: ForgeRepo,
  issue: ForgeIssue,
  tips: { head: string; base: string },
) {
  const pull = issue.pull!;
  const issueShape = buildIssue(ctx.urls, repo, issue);
  const api = `${ctx.urls.api}/repos/${repo.fullName}/pulls/${issue.number}`;
  const html = `${ctx.urls.html}/${repo.fullName}/pull/${issue.number}`;
  const repository = buildRepository(ctx.urls, repo, countOpenIssues(repo));
  const owner = buildUser(ctx.urls, repo.owner);
  const side = (ref: string, sha: string) => ({
    label: `${repo.owner.login}:${ref}`,
    ref,
    sha,
    user: owner,
    repo: repository,
  });
  const link = (href: string) => ({ href });
  return {
    url: api,
    id: pull.id,
    node_id: buildNodeId("PullRequest", pull.id),
    html_url: html,
    diff_url: `${html}.diff`,
    patch_url: `${html}.patch`,
    issue_url: issueShape.url,
    commits_url: `${api}/commits`,
    review_comments_url: `${api}/comments`,
    review_comment_url: `${ctx.urls.api}/repos/${repo.fullName}/pulls/comments{/number}`,
    comments_url: issueShape.comments_url,
    statuses_url: `${ctx.urls.api}/repos/${repo.fullName}/statuses/${tips.head}`,
    number: issue.number,
    state: issue.state,
    locked: false,
    title: issue.title,
    user: buildUser(ctx.urls, issue.user),
    body: issue.body,
    labels: labelsOf(repo, issue).map((label) => ({
      ...buildLabel(ctx.urls, repo, label),
      description: label.description ?? "",
    })),
    milestone: null,
    active_lock_reason: null,
    created_at: issue.createdAt,
    updated_at: issue.updatedAt,
    closed_at: issue.closedAt,
    merged_at: null,
    merge_commit_sha: null,
    assignee: null,
    assignees: [],
    requested_reviewers: [],
    requested_teams: [],
    head: side(pull.head, tips.head),
    base: side(pull.base, tips.base),
    _links: {
      comments: link(issueShape.comments_url),
      commits: link(`${api}/commits`),
      statuses: link(`${ctx.urls.api}/repos/${repo.fullName}/statuses/${tips.head}`),
      html: link(html),
      issue: link(issueShape.url),
      review_comments: link(`${api}/comments`),
      review_comment: link(`${ctx.urls.api}/repos/${repo.fullName}/pulls/comments{/number}`),
      self: link(api),
    },
    author_association: issue.authorAssociation,
    auto_merge: null,
    draft: pull.draft,
  } satisfies PullRequestSimpleShape;
}

/** A `commit` as the pulls/commits list returns it. */
export function buildCommit(ctx: ForgeContext, repo: ForgeRepo, commit: CommitInfo): CommitShape {
  const api = `${ctx.urls.api}/repos/${repo.fullName}`;
  const html = `${ctx.urls.html}/${repo.fullName}`;
  return {
    url: `${api}/commits/${commit.sha}`,
    sha: commit.sha,
    node_id: buildNodeId("Commit", parseInt(commit.sha.slice(0, 8), 16)),
    html_url: `${html}/commit/${commit.sha}`,
    comments_url: `${api}/commits/${commit.sha}/comments`,
    commit: {
      url: `${api}/git/commits/${commit.sha}`,
      author: { ...commit.author, date: toUtc(commit.author.date) },
      committer: { ...commit.committer, date: toUtc(commit.committer.date) },
      message: commit.message,
      comment_count: 0,
      tree: { sha: commit.tree, url: `${api}/git/trees/${commit.tree}` },
      verification: { verified: false, reason: "unsigned", signature: null, payload: null, verified_at: null },
    },
    author: null,
    committer: null,
    parents: commit.parents.map((sha) => ({ sha, url: `${api}/commits/${sha}`, html_url: `${html}/commit/${sha}` })),
  };
}

function toUtc(isoWithOffset: string): string {
  return new Date(isoWithOffset).toISOString().replace(/\.\d{3}Z$/, "Z");
}
