// Issue comment routes: list (paginated), create, edit; each write sends GitHub's issue_comment webhook.
import { z } from "zod";
import { emitWebhook, stampNow } from "../context.ts";
import { assertBodyLength, notFound, paginate, validationFailed } from "../http.ts";
import type { RouteHandler } from "../route-types.ts";
import { buildComment, buildIssue } from "../shapes-issues.ts";
import {
  accountOf,
  assertCanEdit,
  assertCanParticipate,
  assertCanRead,
  authorAssociationOf,
  findRepo,
} from "../state.ts";
import type { ForgeComment } from "../types.ts";
import { findIssue } from "./issues.ts";
import { numberParam, parseBody } from "./validate.ts";

export const listComments: RouteHandler<"GET /repos/{owner}/{repo}/issues/{issue_number}/comments"> = async (
  ctx,
  req,
) => {
  const repo = findRepo(ctx.state, req.params.owner, req.params.repo);
  assertCanRead(repo, req.actor);
  const issue = findIssue(repo, req.params.issue_number);
  const since = req.query.get("since");
  const comments = issue.comments.filter((comment) => !since || comment.updatedAt >= since);
  const page = paginate(comments, req.query, req.url);
  return {
    status: 200,
    data: page.items.map((comment) => buildComment(ctx.urls, repo, comment)),
    headers: page.headers,
  };
};

/** Every comment of the repository's issues and pull requests, `since` on `updated_at`, by creation time. */
export const listRepoComments: RouteHandler<"GET /repos/{owner}/{repo}/issues/comments"> = async (ctx, req) => {
  const repo = findRepo(ctx.state, req.params.owner, req.params.repo);
  assertCanRead(repo, req.actor);
  const since = req.query.get("since");
  const sort = req.query.get("sort") ?? "created";
  if (sort !== "created" && sort !== "updated") throw validationFailed("IssueComment", "sort", "invalid");
  // GitHub's default order for this listing is ascending.
  const descending = req.query.get("direction") === "desc";
  const field = sort === "created" ? "createdAt" : "updatedAt";
  const comments = [...repo.issues.values()]
    .flatMap((issue) => issue.comments)
    .filter((comment) => !since || comment.updatedAt >= since)
    .sort((a, b) => (a[field] === b[field] ? a.id - b.id : a[field] < b[field] ? -1 : 1) * (descending ? -1 : 1));
  const page = paginate(comments, req.query, req.url);
  return {
    status: 200,
    data: page.items.map((comment) => buildComment(ctx.urls, repo, comment)),
    headers: page.headers,
  };
};

const COMMENT = z.object({ body: z.string() });

export const createComment: RouteHandler<"POST /repos/{owner}/{repo}/issues/{issue_number}/comments"> = async (
  ctx,
  req,
) => {
  const repo = findRepo(ctx.state, req.params.owner, req.params.repo);
  assertCanParticipate(repo, req.actor);
  const issue = findIssue(repo, req.params.issue_number);
  const { body } = parseBody(COMMENT, req.body, "IssueComment");
  assertBodyLength("IssueComment", body);
  const user = accountOf(ctx.state, req.actor);
  const now = stampNow(ctx);
  const comment: ForgeComment = {
    id: ctx.state.nextId("comment"),
    issueNumber: issue.number,
    body,
    user,
    authorAssociation: authorAssociationOf(repo, user),
    createdAt: now,
    updatedAt: now,
  };
  issue.comments.push(comment);
  issue.updatedAt = now;
  emitWebhook(
    ctx,
    repo,
    "issue_comment",
    { action: "created", issue: buildIssue(ctx.urls, repo, issue), comment: buildComment(ctx.urls, repo, comment) },
    user,
  );
  return { status: 201, data: buildComment(ctx.urls, repo, comment) };
};

export const updateComment: RouteHandler<"PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}"> = async (
  ctx,
  req,
) => {
  const repo = findRepo(ctx.state, req.params.owner, req.params.repo);
  const id = numberParam(req.params.comment_id);
  const issue = [...repo.issues.values()].find((candidate) => candidate.comments.some((comment) => comment.id === id));
  const comment = issue?.comments.find((candidate) => candidate.id === id);
  if (!issue || !comment) throw notFound();
  assertCanEdit(repo, req.actor, comment.user, "write");
  const user = accountOf(ctx.state, req.actor);
  const { body } = parseBody(COMMENT, req.body, "IssueComment");
  assertBodyLength("IssueComment", body);
  const from = comment.body;
  comment.body = body;
  comment.updatedAt = stampNow(ctx);
  if (from !== body) {
    emitWebhook(
      ctx,
      repo,
      "issue_comment",
      {
        action: "edited",
        changes: { body: { from } },
        issue: buildIssue(ctx.urls, repo, issue),
        comment: buildComment(ctx.urls, repo, comment),
      },
      user,
    );
  }
  return { status: 200, data: buildComment(ctx.urls, repo, comment) };
};
