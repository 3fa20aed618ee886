// Issue routes: list (pull requests included, paginated), create, read, update; with GitHub's issues webhooks.
import { z } from "zod";
import { stampNow, type ForgeContext } from "../context.ts";
import { assertBodyLength, notFound, paginate } from "../http.ts";
import type { RouteHandler } from "../route-types.ts";
import { buildIssue } from "../shapes-issues.ts";
import {
  accountOf,
  assertCanEdit,
  assertCanParticipate,
  assertCanRead,
  assertCanWrite,
  authorAssociationOf,
  findRepo,
} from "../state.ts";
import type { Actor, ForgeIssue, ForgeRepo } from "../types.ts";
import { applyLabelChanges, emitIssueEvent, ensureLabels } from "../issue-events.ts";
import { numberParam, parseBody } from "./validate.ts";

export const listIssues: RouteHandler<"GET /repos/{owner}/{repo}/issues"> = async (ctx, req) => {
  const repo = findRepo(ctx.state, req.params.owner, req.params.repo);
  assertCanRead(repo, req.actor);
  const state = req.query.get("state") ?? "open";
  const labels = (req.query.get("labels") ?? "")
    .split(",")
    .map((name) => name.trim().toLowerCase())
    .filter(Boolean);
  const creator = req.query.get("creator")?.toLowerCase();
  const sort = req.query.get("sort") ?? "created";
  const ascending = req.query.get("direction") === "asc";
  const since = req.query.get("since");
  const matching = [...repo.issues.values()]
    .filter((issue) => state === "all" || issue.state === state)
    .filter((issue) => labels.every((label) => issue.labels.includes(label)))
    .filter((issue) => !creator || issue.user.login.toLowerCase() === creator)
    .filter((issue) => !since || issue.updatedAt >= since)
    .sort((a, b) => {
      const key = (issue: ForgeIssue) =>
        sort === "updated"
          ? issue.updatedAt
          : sort === "comments"
            ? String(issue.comments.length).padStart(9, "0")
            : issue.createdAt;
      const order = key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : a.number - b.number;
      return ascending ? order : -order;
    });
  const page = paginate(matching, req.query, req.url);
  return { status: 200, data: page.items.map((issue) => buildIssue(ctx.urls, repo, issue)), headers: page.headers };
};

/** A label as the issue and label routes accept it: its name, or `{ name }`. */
export const LABEL_INPUT = z.union([z.string(), z.object({ name: z.string() })]);
const CREATE_ISSUE = z.object({
  title: z.union([z.string().min(1), z.number()]),
  body: z.string().nullish(),
  labels: z.array(LABEL_INPUT).optional(),
  assignees: z.array(z.string()).optional(),
});

export const createIssue: RouteHandler<"POST /repos/{owner}/{repo}/issues"> = async (ctx, req) => {
  const repo = findRepo(ctx.state, req.params.owner, req.params.repo);
  assertCanParticipate(repo, req.actor);
  const body = parseBody(CREATE_ISSUE, req.body, "Issue");
  assertBodyLength("Issue", body.body);
  const issue = openIssue(ctx, repo, req.actor, { title: String(body.title), body: body.body ?? null });
  await emitIssueEvent(ctx, repo, issue, "opened", {}, accountOf(ctx.state, req.actor));
  // Only people who can triage set labels on a new issue; GitHub silently drops them for everyone else.
  if (body.labels && canTriage(repo, req.actor)) {
    const sender = accountOf(ctx.state, req.actor);
    await applyLabelChanges(ctx, repo, issue, ensureLabels(ctx, repo, body.labels.map(labelName), sender), [], sender);
  }
  return { status: 201, data: buildIssue(ctx.urls, repo, issue) };
};

/** Adds an issue (or the issue half of a pull request) with the next number of the repository. */
export function openIssue(
  ctx: ForgeContext,
  repo: ForgeRepo,
  actor: Actor,
  fields: { title: string; body: string | null; pull?: ForgeIssue["pull"] },
): ForgeIssue {
  const user = accountOf(ctx.state, actor);
  const now = stampNow(ctx);
  const issue: ForgeIssue = {
    id: ctx.state.nextId("issue"),
    number: repo.issues.size + 1,
    title: fields.title,
    body: fields.body,
    state: "open",
    stateReason: null,
    user,
    authorAssociation: authorAssociationOf(repo, user),
    labels: [],
    comments: [],
    createdAt: now,
    updatedAt: now,
    closedAt: null,
    closedBy: null,
    ...(fields.pull ? { pull: fields.pull } : {}),
  };
  repo.issues.set(issue.number, issue);
  return issue;
}

export function labelName(input: string | { name: string }): string {
  return typeof input === "string" ? input : input.name;
}

function canTriage(repo: ForgeRepo, actor: Actor): boolean {
  try {
    assertCanWrite(repo, actor, "triage");
    return true;
  } catch {
    return false;
  }
}

/** The issue `{issue_number}` names (pull requests too, as on GitHub), or 404. */
export function findIssue(repo: ForgeRepo, number: string | undefined): ForgeIssue {
  const issue = repo.issues.get(numberParam(number));
  if (!issue) throw notFound();
  return issue;
}

export const getIssue: RouteHandler<"GET /repos/{owner}/{repo}/issues/{issue_number}"> = async (ctx, req) => {
  const repo = findRepo(ctx.state, req.params.owner, req.params.repo);
  assertCanRead(repo, req.actor);
  return { status: 200, data: buildIssue(ctx.urls, repo, findIssue(repo, req.params.issue_number)) };
};

const UPDATE_ISSUE = z.object({
  title: z.union([z.string().min(1), z.number()]).optional(),
  body: z.string().nullish(),
  state: z.enum(["open", "closed"]).optional(),
  state_reason: z.enum(["completed", "not_planned", "reopened"]).nullish(),
  labels: z.array(LABEL_INPUT).optional(),
});

export const updateIssue: RouteHandler<"PATCH /repos/{owner}/{repo}/issues/{issue_number}"> = async (ctx, req) => {
  const repo = findRepo(ctx.state, req.params.owner, req.params.repo);
  const issue = findIssue(repo, req.params.issue_number);
  assertCanEdit(repo, req.actor, issue.user, "triage");
  const actor = accountOf(ctx.state, req.actor);
  const body = parseBody(UPDATE_ISSUE, req.body, "Issue");
  assertBodyLength("Issue", body.body);
  const changes: Record<string, { from: string | null }> = {};
  if (body.title !== undefined && String(body.title) !== issue.title) {
    changes.title = { from: issue.title };
    issue.title = String(body.title);
  }
  if (body.body !== undefined && body.body !== issue.body) {
    changes.body = { from: issue.body };
    issue.body = body.body;
  }
  issue.updatedAt = stampNow(ctx);
  if (Object.keys(changes).length > 0) await emitIssueEvent(ctx, repo, issue, "edited", { changes }, actor);
  if (body.state && body.state !== issue.state) {
    issue.state = body.state;
    issue.closedAt = body.state === "closed" ? stampNow(ctx) : null;
    issue.closedBy = body.state === "closed" ? actor : null;
    issue.stateReason =
      body.state === "closed" ? (body.state_reason === "not_planned" ? "not_planned" : "completed") : "reopened";
    await emitIssueEvent(ctx, repo, issue, body.state === "closed" ? "closed" : "reopened", {}, actor);
  }
  if (body.labels) {
    const wanted = ensureLabels(ctx, repo, body.labels.map(labelName), actor);
    const removed = issue.labels.filter((key) => !wanted.includes(key));
    await applyLabelChanges(ctx, repo, issue, wanted, removed, actor);
  }
  return { status: 200, data: buildIssue(ctx.urls, repo, issue) };
};
