// Workflow dispatch: workflows are real files in .github/workflows; the harness decides how a run ends.
import { parse as parseYaml } from "yaml";
import { z } from "zod";
import { countOpenIssues, emitWebhook, stampNow, type ForgeContext } from "../context.ts";
import { ForgeHttpError, notFound } from "../http.ts";
import type { RouteHandler } from "../route-types.ts";
import { buildNodeId, buildRepository, buildUser } from "../shapes.ts";
import { accountOf, assertCanWrite, findRepo } from "../state.ts";
import type { ForgeRepo, ForgeWorkflowRun, WorkflowConclusion } from "../types.ts";
import { resolveUserRef } from "./repos.ts";
import { parseBody } from "./validate.ts";

const WORKFLOWS_DIR = ".github/workflows";
const DISPATCH = z.object({
  ref: z.string().min(1),
  inputs: z.record(z.string(), z.unknown()).optional(),
  return_run_details: z.boolean().optional(),
});

/** The workflow `{workflow_id}` names on the default branch (a file name or its numeric id), or 404. */
async function findWorkflow(
  ctx: ForgeContext,
  repo: ForgeRepo,
  workflowId: string,
): Promise<{ id: number; path: string }> {
  const tip = await repo.git.resolveCommit(`refs/heads/${repo.defaultBranch}`);
  const dir = tip ? await repo.git.readPath(tip, WORKFLOWS_DIR) : null;
  const files =
    dir?.type === "dir" ? dir.entries.filter((entry) => entry.type === "file" && /\.ya?ml$/.test(entry.name)) : [];
  for (const file of files) {
    const path = `${WORKFLOWS_DIR}/${file.name}`;
    if (!repo.workflowIds.has(path)) repo.workflowIds.set(path, ctx.state.nextId("workflow"));
    const id = repo.workflowIds.get(path)!;
    if (file.name === workflowId || String(id) === workflowId) return { id, path };
  }
  throw notFound();
}

export const dispatchWorkflow: RouteHandler<
  "POST /repos/{owner}/{repo}/actions/workflows/{workflow_id}/dispatches"
> = async (ctx, req) => {
  const repo = findRepo(ctx.state, req.params.owner, req.params.repo);
  assertCanWrite(repo, req.actor, "write");
  const workflow = await findWorkflow(ctx, repo, req.params.workflow_id ?? "");
  const body = parseBody(DISPATCH, req.body, "Workflow");
  const sha = await resolveUserRef(repo, body.ref);
  if (!sha) throw new ForgeHttpError(422, `No ref found for: ${body.ref}`);
  const file = await repo.git.readPath(sha, workflow.path);
  const definition = file?.type === "file" ? readWorkflow(file.text) : undefined;
  if (!definition?.dispatchable) throw new ForgeHttpError(422, "Workflow does not have 'workflow_dispatch' trigger");
  const now = stampNow(ctx);
  const run: ForgeWorkflowRun = {
    id: ctx.state.nextId("run"),
    workflowId: workflow.id,
    path: workflow.path,
    name: definition.name ?? workflow.path,
    title: renderRunName(definition.runName, body.inputs ?? {}) ?? definition.name ?? workflow.path,
    runNumber: repo.workflowRuns.filter((existing) => existing.workflowId === workflow.id).length + 1,
    headBranch: body.ref.replace(/^refs\/(heads|tags)\//, ""),
    headSha: sha,
    actor: accountOf(ctx.state, req.actor),
    inputs: body.inputs ?? {},
    status: "queued",
    conclusion: null,
    createdAt: now,
    updatedAt: now,
  };
  repo.workflowRuns.push(run);
  await emitWorkflowRun(ctx, repo, run, "requested");
  const conclusion = ctx.workflowConclusion?.(run);
  if (conclusion) await completeWorkflowRun(ctx, repo, run.id, conclusion);
  if (!body.return_run_details) return { status: 204 };
  const api = `${ctx.urls.api}/repos/${repo.fullName}/actions/runs/${run.id}`;
  return {
    status: 200,
    data: {
      workflow_run_id: run.id,
      run_url: api,
      html_url: `${ctx.urls.html}/${repo.fullName}/actions/runs/${run.id}`,
    },
  };
};

/** GitHub's `run-name:` with `${{ inputs.x }}` filled in (the only expressions the forge understands). */
function renderRunName(template: string | undefined, inputs: Record<string, unknown>): string | undefined {
  return template?.replace(/\$\{\{\s*(?:github\.event\.)?inputs\.([A-Za-z_][\w-]*)\s*\}\}/g, (_all, name: string) => {
    const value = inputs[name];
    return typeof value === "string" || typeof value === "number" || typeof value === "boolean" ? String(value) : "";
  });
}

function readWorkflow(text: string): { name?: string; runName?: string; dispatchable: boolean } | undefined {
  try {
    const doc = parseYaml(text) as { name?: unknown; "run-name"?: unknown; on?: unknown; true?: unknown } | null;
    // YAML 1.1 readers turn a bare `on:` into `true:`; accept both spellings.
    const on = doc?.on ?? doc?.true;
    const dispatchable =
      on === "workflow_dispatch" ||
      (Array.isArray(on) && on.includes("workflow_dispatch")) ||
      (typeof on === "object" && on !== null && "workflow_dispatch" in on);
    return {
      ...(typeof doc?.name === "string" ? { name: doc.name } : {}),
      ...(typeof doc?.["run-name"] === "string" ? { runName: doc["run-name"] } : {}),
      dispatchable,
    };
  } catch {
    return undefined;
  }
}

/** Ends a queued run with `conclusion` and sends `workflow_run.completed` (the harness's decision). */
export async function completeWorkflowRun(
  ctx: ForgeContext,
  repo: ForgeRepo,
  runId: number,
  conclusion: WorkflowConclusion,
): Promise<ForgeWorkflowRun> {
  const run = repo.workflowRuns.find((candidate) => candidate.id === runId);
  if (!run) throw new Error(`forge: no workflow run ${runId} in ${repo.fullName}`);
  if (run.status === "completed") throw new Error(`forge: workflow run ${runId} already completed (${run.conclusion})`);
  run.status = "completed";
  run.conclusion = conclusion;
  run.updatedAt = stampNow(ctx);
  await emitWorkflowRun(ctx, repo, run, "completed");
  return run;
}

async function emitWorkflowRun(
  ctx: ForgeContext,
  repo: ForgeRepo,
  run: ForgeWorkflowRun,
  action: "requested" | "completed",
): Promise<void> {
  const api = `${ctx.urls.api}/repos/${repo.fullName}/actions`;
  const html = `${ctx.urls.html}/${repo.fullName}`;
  const commit = await repo.git.readCommit(run.headSha);
  const actor = buildUser(ctx.urls, run.actor);
  const repository = buildRepository(ctx.urls, repo, countOpenIssues(repo));
  const workflowRun = {
    id: run.id,
    name: run.name,
    node_id: buildNodeId("WorkflowRun", run.id),
    head_branch: run.headBranch,
    head_sha: run.headSha,
    path: run.path,
    display_title: run.title,
    run_number: run.runNumber,
    event: "workflow_dispatch",
    status: run.status,
    conclusion: run.conclusion,
    workflow_id: run.workflowId,
    check_suite_id: run.id,
    check_suite_node_id: buildNodeId("CheckSuite", run.id),
    url: `${api}/runs/${run.id}`,
    html_url: `${html}/actions/runs/${run.id}`,
    pull_requests: [],
    created_at: run.createdAt,
    updated_at: run.updatedAt,
    actor,
    triggering_actor: actor,
    run_attempt: 1,
    referenced_workflows: [],
    run_started_at: run.createdAt,
    jobs_url: `${api}/runs/${run.id}/jobs`,
    logs_url: `${api}/runs/${run.id}/logs`,
    check_suite_url: `${ctx.urls.api}/repos/${repo.fullName}/check-suites/${run.id}`,
    artifacts_url: `${api}/runs/${run.id}/artifacts`,
    cancel_url: `${api}/runs/${run.id}/cancel`,
    rerun_url: `${api}/runs/${run.id}/rerun`,
    previous_attempt_url: null,
    workflow_url: `${api}/workflows/${run.workflowId}`,
    repository,
    head_repository: repository,
    head_commit: commit && {
      id: commit.sha,
      tree_id: commit.tree,
      message: commit.message,
      timestamp: commit.committer.date,
      author: { name: commit.author.name, email: commit.author.email },
      committer: { name: commit.committer.name, email: commit.committer.email },
    },
  };
  const workflow = {
    id: run.workflowId,
    node_id: buildNodeId("Workflow", run.workflowId),
    name: run.name,
    path: run.path,
    state: "active",
    created_at: repo.createdAt,
    updated_at: repo.createdAt,
    url: `${api}/workflows/${run.workflowId}`,
    html_url: `${html}/blob/${repo.defaultBranch}/${run.path}`,
    badge_url: `${html}/workflows/${encodeURIComponent(run.name)}/badge.svg`,
  };
  emitWebhook(ctx, repo, "workflow_run", { action, workflow_run: workflowRun, workflow }, run.actor);
}
