// Check run routes: create and update (GitHub Apps only), list for a commit; check_run webhooks.
import { z } from "zod";
import { emitWebhook, stampNow, type ForgeContext } from "../context.ts";
import { assertBodyLength, ForgeHttpError, notFound, paginate } from "../http.ts";
import type { RouteData, RouteHandler } from "../route-types.ts";
import { buildIntegration, buildNodeId } from "../shapes.ts";
import { accountOf, assertCanRead, assertCanWrite, findRepo } from "../state.ts";
import type { Actor, ForgeCheckRun, ForgeRepo } from "../types.ts";
import { resolveUserRef } from "./repos.ts";
import { numberParam, parseBody } from "./validate.ts";

/** GitHub's limit on a check run's output summary and text. */
const MAX_OUTPUT_CHARACTERS = 65535;
type CheckRunShape = RouteData<"PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}">;

function buildCheckRun(ctx: ForgeContext, repo: ForgeRepo, run: ForgeCheckRun): CheckRunShape {
  const url = `${ctx.urls.api}/repos/${repo.fullName}/check-runs/${run.id}`;
  return {
    id: run.id,
    head_sha: run.headSha,
    node_id: buildNodeId("CheckRun", run.id),
    external_id: run.externalId,
    url,
    html_url: `${ctx.urls.html}/${repo.fullName}/runs/${run.id}`,
    details_url: run.detailsUrl,
    status: run.status,
    conclusion: run.conclusion,
    started_at: run.startedAt,
    completed_at: run.completedAt,
    output: { ...run.output, annotations_count: 0, annotations_url: `${url}/annotations` },
    name: run.name,
    check_suite: { id: run.suiteId },
    app: buildIntegration(ctx.urls, ctx.state.app),
    pull_requests: [],
  };
}

/** The webhook's check_run: the REST shape with the full check_suite GitHub embeds in events. */
async function buildCheckRunPayload(
  ctx: ForgeContext,
  repo: ForgeRepo,
  run: ForgeCheckRun,
): Promise<Record<string, unknown>> {
  const branch = [...(await repo.git.listRefs())].find(
    ([ref, state]) => ref.startsWith("refs/heads/") && state.sha === run.headSha,
  )?.[0];
  const shape = buildCheckRun(ctx, repo, run);
  return {
    ...shape,
    check_suite: {
      id: run.suiteId,
      node_id: buildNodeId("CheckSuite", run.suiteId),
      head_branch: branch ? branch.slice("refs/heads/".length) : null,
      head_sha: run.headSha,
      status: run.status,
      conclusion: run.conclusion,
      url: `${ctx.urls.api}/repos/${repo.fullName}/check-suites/${run.suiteId}`,
      before: null,
      after: run.headSha,
      pull_requests: [],
      app: shape.app,
      created_at: run.startedAt,
      updated_at: run.completedAt ?? run.startedAt,
    },
  };
}

const STATUS = z.enum(["queued", "in_progress", "completed"]);
const CONCLUSION = z.enum(["success", "failure", "neutral", "cancelled", "skipped", "timed_out", "action_required"]);
const OUTPUT = z
  .object({ title: z.string().nullish(), summary: z.string().nullish(), text: z.string().nullish() })
  .optional();
const FIELDS = {
  details_url: z.string().nullish(),
  external_id: z.string().nullish(),
  status: STATUS.optional(),
  conclusion: CONCLUSION.optional(),
  started_at: z.string().optional(),
  completed_at: z.string().optional(),
  output: OUTPUT,
};
const CREATE_CHECK = z.object({ name: z.string().min(1), head_sha: z.string(), ...FIELDS });
const UPDATE_CHECK = z.object({ name: z.string().min(1).optional(), ...FIELDS });

function assertApp(repo: ForgeRepo, actor: Actor): void {
  if (actor.kind !== "installation") throw new ForgeHttpError(403, "You must authenticate via a GitHub App.");
  assertCanWrite(repo, actor, "write");
}

/** Applies a create/update body to `run`; a body GitHub refuses (422) leaves the run untouched. */
function applyFields(ctx: ForgeContext, run: ForgeCheckRun, body: z.output<typeof UPDATE_CHECK>): void {
  assertBodyLength("CheckRun", body.output?.summary, "summary", MAX_OUTPUT_CHARACTERS);
  assertBodyLength("CheckRun", body.output?.text, "text", MAX_OUTPUT_CHARACTERS);
  const status = body.conclusion ? "completed" : (body.status ?? run.status);
  const conclusion = body.conclusion ?? run.conclusion;
  if (status === "completed" && !conclusion)
    throw new ForgeHttpError(422, "Conclusion is required when status is completed");
  if (body.name !== undefined) run.name = body.name;
  if (body.details_url !== undefined) run.detailsUrl = body.details_url ?? null;
  if (body.external_id !== undefined) run.externalId = body.external_id ?? null;
  if (body.started_at !== undefined) run.startedAt = body.started_at;
  if (body.output) {
    run.output = {
      title: body.output.title ?? run.output.title,
      summary: body.output.summary ?? run.output.summary,
      text: body.output.text ?? run.output.text,
    };
  }
  run.status = status;
  run.conclusion = conclusion;
  if (status === "completed") run.completedAt = body.completed_at ?? run.completedAt ?? stampNow(ctx);
}

export const createCheckRun: RouteHandler<"POST /repos/{owner}/{repo}/check-runs"> = async (ctx, req) => {
  const repo = findRepo(ctx.state, req.params.owner, req.params.repo);
  assertApp(repo, req.actor);
  const body = parseBody(CREATE_CHECK, req.body, "CheckRun");
  if (!/^[0-9a-f]{40}$/.test(body.head_sha) || (await repo.git.objectType(body.head_sha)) !== "commit") {
    throw new ForgeHttpError(422, `No commit found for SHA: ${body.head_sha}`);
  }
  const run: ForgeCheckRun = {
    id: ctx.state.nextId("check"),
    suiteId: ctx.state.nextId("suite"),
    name: body.name,
    headSha: body.head_sha,
    status: "queued",
    conclusion: null,
    startedAt: stampNow(ctx),
    completedAt: null,
    detailsUrl: null,
    externalId: null,
    output: { title: null, summary: null, text: null },
  };
  applyFields(ctx, run, body);
  repo.checkRuns.push(run);
  const data = buildCheckRun(ctx, repo, run);
  emitWebhook(
    ctx,
    repo,
    "check_run",
    { action: "created", check_run: await buildCheckRunPayload(ctx, repo, run) },
    accountOf(ctx.state, req.actor),
  );
  return { status: 201, data };
};

export const updateCheckRun: RouteHandler<"PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}"> = async (
  ctx,
  req,
) => {
  const repo = findRepo(ctx.state, req.params.owner, req.params.repo);
  assertApp(repo, req.actor);
  const run = repo.checkRuns.find((candidate) => candidate.id === numberParam(req.params.check_run_id));
  if (!run) throw notFound();
  const wasCompleted = run.status === "completed";
  applyFields(ctx, run, parseBody(UPDATE_CHECK, req.body, "CheckRun"));
  const data = buildCheckRun(ctx, repo, run);
  if (!wasCompleted && run.status === "completed") {
    emitWebhook(
      ctx,
      repo,
      "check_run",
      { action: "completed", check_run: await buildCheckRunPayload(ctx, repo, run) },
      accountOf(ctx.state, req.actor),
    );
  }
  return { status: 200, data };
};

export const listCheckRunsForRef: RouteHandler<"GET /repos/{owner}/{repo}/commits/{ref}/check-runs"> = async (
  ctx,
  req,
) => {
  const repo = findRepo(ctx.state, req.params.owner, req.params.repo);
  assertCanRead(repo, req.actor);
  const sha = await resolveUserRef(repo, req.params.ref ?? "");
  if (!sha) throw new ForgeHttpError(422, `No commit found for SHA: ${req.params.ref}`);
  const name = req.query.get("check_name");
  const status = req.query.get("status");
  let runs = repo.checkRuns.filter(
    (run) => run.headSha === sha && (!name || run.name === name) && (!status || run.status === status),
  );
  // filter=latest (the default) keeps the newest run of each name, as GitHub does.
  if (req.query.get("filter") !== "all")
    runs = runs.filter((run) => !runs.some((other) => other.name === run.name && other.id > run.id));
  runs = [...runs].sort((a, b) => b.id - a.id);
  const page = paginate(runs, req.query, req.url);
  return {
    status: 200,
    data: { total_count: runs.length, check_runs: page.items.map((run) => buildCheckRun(ctx, repo, run)) },
    headers: page.headers,
  };
};
