// REST dispatch: match a route of the table, authenticate, apply faults, answer GitHub's JSON, log it.
import { createHash, randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { authenticateHeader } from "./auth.ts";
import type { ForgeContext } from "./context.ts";
import type { FaultPlan } from "./faults.ts";
import { buildErrorBody, ForgeHttpError, parseJsonBody, readRequestBody, sendJson } from "./http.ts";
import type { RouteKey, RouteSpec, RouteTable } from "./route-types.ts";
import type { Actor } from "./types.ts";

export interface RequestLogEntry {
  readonly method: string;
  /**
   * The route template (`/repos/{owner}/{repo}/issues`, `/{owner}/{repo}.git/git-receive-pack`), null if none matched.
   */
  readonly route: string | null;
  readonly path: string;
  readonly status: number;
  /** The forge clock when the request was answered. */
  readonly at: Date;
  /** The acting login (`<slug>[bot]` for installation tokens, `app` for JWTs), null when anonymous. */
  readonly actor: string | null;
  /** The request carried `If-None-Match` (a conditional read: a 304 answer costs no rate limit). */
  readonly conditional?: boolean;
}

interface CompiledRoute {
  readonly key: RouteKey;
  readonly method: string;
  readonly template: string;
  readonly pattern: RegExp;
  readonly names: readonly string[];
  readonly spec: RouteSpec<RouteKey>;
}

const NUMERIC = new Set(["installation_id", "issue_number", "pull_number", "comment_id", "check_run_id"]);
const GREEDY = new Set(["ref", "path"]);
const RATE_LIMIT = 5000;

/** Turns `GET /repos/{owner}/{repo}/git/ref/{ref}` into a matcher; `{ref}`/`{path}` at the end may hold `/`. */
function compileRoutes(table: RouteTable): CompiledRoute[] {
  return Object.entries(table).map(([key, spec]) => {
    const [method, template] = key.split(" ") as [string, string];
    const names: string[] = [];
    const segments = template.split("/").map((segment, index, all) => {
      const param = /^\{(\w+)\}$/.exec(segment)?.[1];
      if (!param) return segment.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
      names.push(param);
      if (NUMERIC.has(param)) return "(\\d+)";
      return GREEDY.has(param) && index === all.length - 1 ? "(.*)" : "([^/]+)";
    });
    return {
      key: key as RouteKey,
      method,
      template,
      pattern: new RegExp(`^${segments.join("/")}$`),
      names,
      spec: spec,
    };
  });
}

export interface Router {
  handle(req: IncomingMessage, res: ServerResponse, url: URL): Promise<RequestLogEntry>;
}

export function createRouter(ctx: ForgeContext, table: RouteTable, faults: FaultPlan): Router {
  const routes = compileRoutes(table);
  const used = new Map<string, number>();

  function match(method: string, pathname: string) {
    for (const route of routes) {
      if (route.method !== method) continue;
      const found = route.pattern.exec(pathname);
      if (!found) continue;
      const params: Record<string, string> = {};
      try {
        route.names.forEach((name, i) => (params[name] = decodeURIComponent(found[i + 1]!)));
      } catch {
        continue;
      }
      return { route, params };
    }
    return undefined;
  }

  return {
    async handle(req, res, url) {
      const method = (req.method ?? "GET").toUpperCase();
      const found = match(method, url.pathname);
      let actor: Actor | null = null;
      let status: number;
      const headers: Record<string, string> = {
        date: ctx.clock().toUTCString(),
        "x-github-media-type": "github.v3; format=json",
        "x-github-request-id": randomUUID().toUpperCase(),
      };
      try {
        if (!found) throw new ForgeHttpError(404, "Not Found");
        const body = method === "GET" || method === "HEAD" ? {} : parseJsonBody(await readRequestBody(req));
        actor = authenticateHeader(ctx, req.headers.authorization);
        if (!actor) throw new ForgeHttpError(401, "Requires authentication");
        if (found.route.spec.auth === "app" && actor.kind !== "app")
          throw new ForgeHttpError(401, "A JSON web token could not be decoded");
        // A JWT only authenticates the app's own routes; for anything else it is not a credential.
        if (found.route.spec.auth === "token" && actor.kind === "app") throw new ForgeHttpError(401, "Bad credentials");
        Object.assign(headers, rateHeaders(ctx, actor, used));
        const limit = faults.takeRateLimit(method, found.route.template);
        if (limit) throw buildRateLimitError(ctx, actor, limit.kind ?? "primary", limit.resetInSeconds ?? 60);
        const failure = faults.takeFailure(method, found.route.template);
        if (failure && !failure.afterApplying) throw new ForgeHttpError(failure.status, failure.message);
        const result = await found.route.spec.handle(ctx, {
          method,
          url: url.toString(),
          params: found.params,
          query: url.searchParams,
          body,
          actor,
        });
        if (failure) throw new ForgeHttpError(failure.status, failure.message);
        status = result.status;
        const data = "data" in result ? result.data : undefined;
        const extra = "headers" in result ? result.headers : {};
        const etag = method === "GET" && status === 200 ? weakETag(data, req.headers.authorization) : null;
        if (etag !== null && matchesETag(req.headers["if-none-match"], etag)) {
          // GitHub: "a 304 Not Modified response does not count against your primary rate limit".
          uncount(actor, used);
          status = 304;
          sendJson(res, status, undefined, { ...headers, ...extra, ...rateHeadersNow(ctx, actor, used), etag });
        } else sendJson(res, status, data, { ...headers, ...extra, ...(etag === null ? {} : { etag }) });
      } catch (error) {
        if (!(error instanceof ForgeHttpError)) console.error("forge: route failed", error);
        const known =
          error instanceof ForgeHttpError
            ? error
            : new ForgeHttpError(500, `Server Error: ${(error as Error).message}`);
        status = known.status;
        sendJson(res, status, buildErrorBody(status, known.message, known.extra), { ...headers, ...known.headers });
      }
      return {
        method,
        route: found ? found.route.template : null,
        path: url.pathname,
        status,
        at: ctx.clock(),
        actor: actorLogin(ctx, actor),
        ...(req.headers["if-none-match"] ? { conditional: true } : {}),
      };
    },
  };
}

function actorKey(actor: Actor): string {
  return actor.kind === "user"
    ? `user:${actor.user.id}`
    : actor.kind === "installation"
      ? `installation:${actor.installation.id}`
      : "app";
}

function actorLogin(ctx: ForgeContext, actor: Actor | null): string | null {
  if (!actor) return null;
  return actor.kind === "user" ? actor.user.login : actor.kind === "installation" ? ctx.state.app.bot.login : "app";
}

/**
 * GitHub's weak ETag for a GET answer: it changes with the body and, like GitHub's, with the credential
 * (GitHub support: "it's currently expected for ETags to be auth token specific"), so a rotated installation
 * token makes the next conditional request a full 200, as it does on GitHub.
 */
function weakETag(data: unknown, authorization: string | undefined): string {
  const hash = createHash("sha256")
    .update(JSON.stringify(data ?? null))
    .update("\0")
    .update(authorization ?? "");
  return `W/"${hash.digest("hex").slice(0, 40)}"`;
}

/** `If-None-Match: W/"a", "b"` (or `*`) against the current ETag; weak comparison, as GitHub does. */
function matchesETag(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  const bare = (tag: string) => tag.trim().replace(/^W\//, "");
  return header.split(",").some((tag) => tag.trim() === "*" || bare(tag) === bare(etag));
}

function uncount(actor: Actor, used: Map<string, number>): void {
  const key = actorKey(actor);
  used.set(key, Math.max((used.get(key) ?? 1) - 1, 0));
}

function rateHeadersNow(ctx: ForgeContext, actor: Actor, used: Map<string, number>): Record<string, string> {
  const count = used.get(actorKey(actor)) ?? 0;
  return {
    "x-ratelimit-remaining": String(Math.max(RATE_LIMIT - count, 0)),
    "x-ratelimit-used": String(count),
    "x-ratelimit-reset": resetEpoch(ctx, 3600),
  };
}

function resetEpoch(ctx: ForgeContext, seconds: number): string {
  return String(Math.floor(ctx.clock().getTime() / 1000) + seconds);
}

function rateHeaders(ctx: ForgeContext, actor: Actor, used: Map<string, number>): Record<string, string> {
  const key = actorKey(actor);
  const count = (used.get(key) ?? 0) + 1;
  used.set(key, count);
  return {
    "x-ratelimit-limit": String(RATE_LIMIT),
    "x-ratelimit-remaining": String(Math.max(RATE_LIMIT - count, 0)),
    "x-ratelimit-reset": resetEpoch(ctx, 3600),
    "x-ratelimit-used": String(count),
    "x-ratelimit-resource": "core",
  };
}

function buildRateLimitError(
  ctx: ForgeContext,
  actor: Actor,
  kind: "primary" | "secondary",
  resetIn: number,
): ForgeHttpError {
  const headers = {
    "x-ratelimit-limit": String(RATE_LIMIT),
    "x-ratelimit-remaining": "0",
    "x-ratelimit-reset": resetEpoch(ctx, resetIn),
    "x-ratelimit-used": String(RATE_LIMIT),
    "x-ratelimit-resource": "core",
  };
  if (kind === "secondary") {
    return new ForgeHttpError(
      403,
      "You have exceeded a secondary rate limit. Please wait a few minutes before you try again.",
      {},
      { ...headers, "x-ratelimit-remaining": "4000", "retry-after": String(resetIn) },
    );
  }
  const who =
    actor.kind === "installation"
      ? `installation ID ${actor.installation.id}`
      : actor.kind === "user"
        ? `user ID ${actor.user.id}`
        : "this app";
  return new ForgeHttpError(403, `API rate limit exceeded for ${who}.`, {}, headers);
}
