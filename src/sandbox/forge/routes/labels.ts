// Label routes: add to and remove from issues, read and create repository labels.
import { z } from "zod";
import { ForgeHttpError, notFound } from "../http.ts";
import type { RouteHandler } from "../route-types.ts";
import { applyLabelChanges, createLabelRecord, DEFAULT_COLOR, ensureLabels } from "../issue-events.ts";
import { labelsOf } from "../shapes-issues.ts";
import { buildLabel } from "../shapes.ts";
import { accountOf, assertCanRead, assertCanWrite, findRepo } from "../state.ts";
import { findIssue, LABEL_INPUT, labelName } from "./issues.ts";
import { parseBody } from "./validate.ts";

const ADD_LABELS = z.union([z.array(LABEL_INPUT), z.object({ labels: z.array(LABEL_INPUT) })]);

export const addLabels: RouteHandler<"POST /repos/{owner}/{repo}/issues/{issue_number}/labels"> = async (ctx, req) => {
  const repo = findRepo(ctx.state, req.params.owner, req.params.repo);
  assertCanWrite(repo, req.actor, "triage");
  const issue = findIssue(repo, req.params.issue_number);
  const body = parseBody(ADD_LABELS, req.body, "Label");
  const names = (Array.isArray(body) ? body : body.labels).map(labelName);
  const sender = accountOf(ctx.state, req.actor);
  await applyLabelChanges(ctx, repo, issue, ensureLabels(ctx, repo, names, sender), [], sender);
  return { status: 200, data: labelsOf(repo, issue).map((label) => buildLabel(ctx.urls, repo, label)) };
};

export const removeLabel: RouteHandler<"DELETE /repos/{owner}/{repo}/issues/{issue_number}/labels/{name}"> = async (
  ctx,
  req,
) => {
  const repo = findRepo(ctx.state, req.params.owner, req.params.repo);
  assertCanWrite(repo, req.actor, "triage");
  const issue = findIssue(repo, req.params.issue_number);
  const key = (req.params.name ?? "").toLowerCase();
  if (!issue.labels.includes(key)) throw new ForgeHttpError(404, "Label does not exist");
  await applyLabelChanges(ctx, repo, issue, [], [key], accountOf(ctx.state, req.actor));
  return { status: 200, data: labelsOf(repo, issue).map((label) => buildLabel(ctx.urls, repo, label)) };
};

export const getLabel: RouteHandler<"GET /repos/{owner}/{repo}/labels/{name}"> = async (ctx, req) => {
  const repo = findRepo(ctx.state, req.params.owner, req.params.repo);
  assertCanRead(repo, req.actor);
  const label = repo.labels.get((req.params.name ?? "").toLowerCase());
  if (!label) throw notFound();
  return { status: 200, data: buildLabel(ctx.urls, repo, label) };
};

const CREATE_LABEL = z.object({
  name: z.string().min(1),
  color: z
    .string()
    .regex(/^#?[0-9a-fA-F]{6}$/)
    .optional(),
  description: z.string().max(100).nullish(),
});

export const createLabel: RouteHandler<"POST /repos/{owner}/{repo}/labels"> = async (ctx, req) => {
  const repo = findRepo(ctx.state, req.params.owner, req.params.repo);
  assertCanWrite(repo, req.actor, "write");
  const body = parseBody(CREATE_LABEL, req.body, "Label");
  if (repo.labels.has(body.name.toLowerCase())) {
    throw new ForgeHttpError(422, "Validation Failed", {
      errors: [{ resource: "Label", code: "already_exists", field: "name" }],
    });
  }
  const color = (body.color ?? DEFAULT_COLOR).replace(/^#/, "").toLowerCase();
  const label = createLabelRecord(
    ctx,
    repo,
    { name: body.name, color, description: body.description ?? null },
    accountOf(ctx.state, req.actor),
  );
  return { status: 201, data: buildLabel(ctx.urls, repo, label) };
};
