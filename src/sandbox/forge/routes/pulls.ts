// Pull request routes: head and base are real branches; commits and diff stats come from git.
import { z } from "zod";
import { isSafeRefName } from "../../../domain/names.ts";
import { emitWebhook } from "../context.ts";
import { assertBodyLength, ForgeHttpError, notFound, paginate, validationFailed } from "../http.ts";
import type { RouteHandler } from "../route-types.ts";
import { buildCommit, buildPullRequest, buildPullRequestSimple, readPullTips } from "../shapes-pulls.ts";
import { accountOf, assertCanParticipate, assertCanRead, findRepo } from "../state.ts";
import type { ForgeIssue, ForgeRepo } from "../types.ts";
import { openIssue } from "./issues.ts";
import { numberParam, parseBody } from "./validate.ts";

function findPull(repo: ForgeRepo, number: string | undefined): ForgeIssue {
  const issue = repo.issues.get(numberParam(number));
  if (!issue?.pull) throw notFound();
  return issue;
}

export const listPulls: RouteHandler<"GET /repos/{owner}/{repo}/pulls"> = async (ctx, req) => {
  const repo = findRepo(ctx.state, req.params.owner, req.params.repo);
  assertCanRead(repo, req.actor);
  const state = req.query.get("state") ?? "open";
  const base = req.query.get("base");
  const head = req.query.get("head");
  const ascending = req.query.get("direction") === "asc";
  const matching = [...repo.issues.values()]
    .filter((issue) => issue.pull && (state === "all" || issue.state === state))
    .filter((issue) => !base || issue.pull!.base === base)
    .filter((issue) => !head || `${repo.owner.login}:${issue.pull!.head}`.toLowerCase() === head.toLowerCase())
    .sort((a, b) => (ascending ? a.number - b.number : b.number - a.number));
  const page = paginate(matching, req.query, req.url);
  const data = await Promise.all(
    page.items.map(async (issue) => buildPullRequestSimple(ctx, repo, issue, await readPullTips(repo, issue))),
  );
  return { status: 200, data, headers: page.headers };
};

export const getPull: RouteHandler<"GET /repos/{owner}/{repo}/pulls/{pull_number}"> = async (ctx, req) => {
  const repo = findRepo(ctx.state, req.params.owner, req.params.repo);
  assertCanRead(repo, req.actor);
  return { status: 200, data: await buildPullRequest(ctx, repo, findPull(repo, req.params.pull_number)) };
};

const CREATE_PULL = z.object({
  title: z.string().min(1),
  head: z.string(),
  base: z.string(),
  body: z.string().nullish(),
  draft: z.boolean().optional(),
  maintainer_can_modify: z.boolean().optional(),
});

export const createPull: RouteHandler<"POST /repos/{owner}/{repo}/pulls"> = async (ctx, req) => {
  const repo = findRepo(ctx.state, req.params.owner, req.params.repo);
  assertCanParticipate(repo, req.actor);
  const body = parseBody(CREATE_PULL, req.body, "PullRequest");
  assertBodyLength("PullRequest", body.body);
  // `owner:branch` names a fork's branch on GitHub; the forge has no forks, so only this owner is accepted.
  const [headOwner, headBranch] = body.head.includes(":")
    ? (body.head.split(":", 2) as [string, string])
    : [repo.owner.login, body.head];
  const headSha = headOwner.toLowerCase() === repo.owner.login.toLowerCase() ? await branchTip(repo, headBranch) : null;
  if (!headSha) throw validationFailed("PullRequest", "head", "invalid");
  const baseSha = await branchTip(repo, body.base);
  if (!baseSha) throw validationFailed("PullRequest", "base", "invalid");
  if ((await repo.git.listCommits(headSha, [baseSha], 1)).length === 0) {
    throw new ForgeHttpError(422, "Validation Failed", {
      errors: [
        { resource: "PullRequest", code: "custom", message: `No commits between ${body.base} and ${headBranch}` },
      ],
    });
  }
  const duplicate = [...repo.issues.values()].some(
    (issue) => issue.pull && issue.state === "open" && issue.pull.head === headBranch && issue.pull.base === body.base,
  );
  if (duplicate) {
    throw new ForgeHttpError(422, "Validation Failed", {
      errors: [
        {
          resource: "PullRequest",
          code: "custom",
          message: `A pull request already exists for ${repo.owner.login}:${headBranch}.`,
        },
      ],
    });
  }
  const pull = { id: ctx.state.nextId("pull"), head: headBranch, base: body.base, headSha, draft: body.draft ?? false };
  const issue = openIssue(ctx, repo, req.actor, { title: body.title, body: body.body ?? null, pull });
  const pullRequest = await buildPullRequest(ctx, repo, issue);
  emitWebhook(
    ctx,
    repo,
    "pull_request",
    { action: "opened", number: issue.number, pull_request: pullRequest },
    accountOf(ctx.state, req.actor),
  );
  return { status: 201, data: pullRequest };
};

async function branchTip(repo: ForgeRepo, branch: string): Promise<string | null> {
  return isSafeRefName(branch) ? repo.git.resolveCommit(`refs/heads/${branch}`) : null;
}

export const listPullCommits: RouteHandler<"GET /repos/{owner}/{repo}/pulls/{pull_number}/commits"> = async (
  ctx,
  req,
) => {
  const repo = findRepo(ctx.state, req.params.owner, req.params.repo);
  assertCanRead(repo, req.actor);
  const issue = findPull(repo, req.params.pull_number);
  const tips = await readPullTips(repo, issue);
  const commits = await repo.git.listCommits(tips.head, [tips.base], 250);
  const page = paginate(commits, req.query, req.url);
  return { status: 200, data: page.items.map((commit) => buildCommit(ctx, repo, commit)), headers: page.headers };
};
