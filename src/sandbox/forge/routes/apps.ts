// App routes: installations, installation access tokens, the repositories an installation can reach.
import { z } from "zod";
import { ForgeHttpError, formatTimestamp, notFound, paginate } from "../http.ts";
import type { RouteData, RouteHandler } from "../route-types.ts";
import { APP_PERMISSIONS, buildInstallation, buildIntegration, buildRepository } from "../shapes.ts";
import { countOpenIssues } from "../context.ts";
import { createToken, findRepo, installationFor, repoKey } from "../state.ts";
import { numberParam, parseBody } from "./validate.ts";

const TOKEN_REQUEST = z.object({
  repositories: z.array(z.string()).optional(),
  repository_ids: z.array(z.number()).optional(),
  permissions: z.record(z.string(), z.string()).optional(),
});

export const createInstallationToken: RouteHandler<"POST /app/installations/{installation_id}/access_tokens"> = async (
  ctx,
  req,
) => {
  const installation = ctx.state.installations.get(numberParam(req.params.installation_id));
  if (!installation) throw notFound();
  const request = parseBody(TOKEN_REQUEST, req.body, "InstallationToken");
  const covered = [...installation.repos].map((key) => ctx.state.repos.get(key)).filter((repo) => repo !== undefined);
  let scope = covered;
  if (request.repositories || request.repository_ids) {
    const names = new Set((request.repositories ?? []).map((name) => name.toLowerCase()));
    const ids = new Set(request.repository_ids ?? []);
    scope = covered.filter((repo) => names.has(repo.name.toLowerCase()) || ids.has(repo.id));
    if (scope.length !== names.size + ids.size) {
      throw new ForgeHttpError(
        422,
        "There is at least one repository that does not exist or is not accessible to the parent installation.",
      );
    }
  }
  const token = createToken("ghs");
  ctx.state.installationTokens.set(token, {
    installation,
    repos: new Set(scope.map((repo) => repoKey(repo.owner.login, repo.name))),
  });
  const restricted = request.repositories !== undefined || request.repository_ids !== undefined;
  return {
    status: 201,
    data: {
      token,
      expires_at: formatTimestamp(new Date(ctx.clock().getTime() + 3600_000)),
      permissions: { ...APP_PERMISSIONS },
      repository_selection: "selected",
      ...(restricted
        ? { repositories: scope.map((repo) => buildRepository(ctx.urls, repo, countOpenIssues(repo))) }
        : {}),
    },
  };
};

export const getAuthenticatedApp: RouteHandler<"GET /app"> = async (ctx) => {
  return {
    status: 200,
    data: { ...buildIntegration(ctx.urls, ctx.state.app), installations_count: ctx.state.installations.size },
  };
};

export const listInstallations: RouteHandler<"GET /app/installations"> = async (ctx, req) => {
  const all = [...ctx.state.installations.values()].map((installation) =>
    buildInstallation(ctx.urls, ctx.state.app, installation),
  );
  const page = paginate(all, req.query, req.url);
  // GitHub's OpenAPI types this `account` as user AND enterprise (an allOf slip); the API returns a user.
  return { status: 200, data: page.items as unknown as RouteData<"GET /app/installations">, headers: page.headers };
};

export const listInstallationRepos: RouteHandler<"GET /installation/repositories"> = async (ctx, req) => {
  if (req.actor.kind !== "installation")
    throw new ForgeHttpError(
      403,
      "You must authenticate with an installation access token in order to list repositories for an installation.",
    );
  const repos = [...req.actor.repos].map((key) => ctx.state.repos.get(key)).filter((repo) => repo !== undefined);
  const page = paginate(repos, req.query, req.url);
  return {
    status: 200,
    data: {
      total_count: repos.length,
      repository_selection: "selected",
      repositories: page.items.map((repo) => buildRepository(ctx.urls, repo, countOpenIssues(repo))),
    },
    headers: page.headers,
  };
};

export const getRepoInstallation: RouteHandler<"GET /repos/{owner}/{repo}/installation"> = async (ctx, req) => {
  const repo = findRepo(ctx.state, req.params.owner, req.params.repo);
  const installation = installationFor(ctx.state, repo);
  if (!installation) throw notFound();
  return { status: 200, data: buildInstallation(ctx.urls, ctx.state.app, installation) };
};
