// The sandbox forge: a small GitHub of our own (REST + git smart HTTP + webhooks) for end-to-end runs.
//
// Faithful to GitHub: route paths and JSON shapes (typed by @octokit/types, so tsc catches drift), status
// codes and error bodies (401 "Bad credentials", 404 "Not Found", 422 "Reference already exists", "Update is
// not a fast forward", "body is too long (maximum is 65536 characters)"), app JWTs (RS256, iat/exp rules and
// messages that @octokit/auth-app's clock-skew retry recognises), pagination with Link headers, rate-limit
// headers, signed webhooks with GitHub's headers, events sent only for repositories the app is installed on,
// the app's own actions echoed back as webhooks (sender type "Bot"), no tag events when more than three tags
// are pushed at once, pull_request.synchronize on head pushes. Refs, tags, commits and contents are git's:
// real bare repositories served by `git http-backend`, refs written with compare-and-swap `update-ref`.
//
// Simplified: one app; one installation per account, all repositories "selected", fixed permissions, no
// installation events; installation tokens do not expire (GitHub's last an hour); every REST call needs a
// token (GitHub allows anonymous reads of public repositories); no forks, merges, reviews, assignees or
// milestones; pull requests report `mergeable: null` and never merge; commit authors are not mapped to
// accounts (no `username` in push commits); contents are served as UTF-8 text; ref names must pass the
// project's allowlist (src/domain/names.ts) or they name nothing; tag signatures verify against keys given
// to the forge (not per-user uploaded keys); workflow runs send `requested` and `completed` only and end when
// the harness (or `workflowConclusion`) says so; webhooks wait in a queue until `deliver()`, in a fixed order
// per push (push, then create/delete, then pull_request.synchronize; GitHub guarantees no order), and are
// never retried on their own.
import { generateKeyPairSync } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ForgeContext } from "./context.ts";
import { createFaultPlan } from "./faults.ts";
import { handleGitRequest, matchGitPath } from "./git-backend.ts";
import { createHarness, type ForgeHarness } from "./harness.ts";
import { formatTimestamp } from "./http.ts";
import { createRouter, type RequestLogEntry } from "./router.ts";
import { FORGE_ROUTES } from "./routes.ts";
import { createForgeState } from "./state.ts";
import type { TagKeys } from "./git-repo.ts";
import type { ForgeWorkflowRun, WorkflowConclusion } from "./types.ts";
import { createWebhookQueue } from "./webhooks.ts";

export { FORGE_ROUTE_KEYS, FORGE_ROUTES, type ForgeRouteKey } from "./routes.ts";
export type { ForgeHarness, IssueView, CheckRunView, WorkflowRunView } from "./harness.ts";
export type { RequestLogEntry } from "./router.ts";
export type { DeliveryRecord, DeliverOptions, QueuedDelivery } from "./webhooks.ts";
export type { Role, WorkflowConclusion } from "./types.ts";
export { signWebhookBody } from "./webhooks.ts";
export { MAX_TAG_EVENTS_PER_PUSH } from "./ref-events.ts";

export interface ForgeOptions {
  /** Every timestamp the forge writes, JWT time checks and `x-ratelimit-reset` use this clock. */
  readonly clock?: () => Date;
  /** Where webhooks are POSTed; can be set later with `setWebhookUrl`. */
  readonly webhookUrl?: string;
  readonly webhookSecret?: string;
  readonly appId?: number;
  readonly appSlug?: string;
  /** Directory for the bare repositories; a temporary one (removed by `close()`) when omitted. */
  readonly root?: string;
  /** Keys `GET /git/tags/{sha}` verifies tag signatures with. */
  readonly tagKeys?: TagKeys;
  /** Decides a dispatched workflow run's conclusion at once; otherwise call `completeWorkflowRun`. */
  readonly workflowConclusion?: (run: ForgeWorkflowRun) => WorkflowConclusion | undefined;
}

export interface Forge extends ForgeHarness {
  /** `http://127.0.0.1:<port>`: the REST base URL (Octokit's `baseUrl`) and the git host. */
  readonly baseUrl: string;
  /** The app's credentials, as GitHub shows them to its developer: id, slug, private key (PEM), webhook secret. */
  readonly app: {
    readonly id: number;
    readonly slug: string;
    readonly privateKey: string;
    readonly webhookSecret: string;
  };
  readonly root: string;
  /** Every REST and git request, in order: method, route template, status, forge-clock time, actor. */
  readonly requests: readonly RequestLogEntry[];
  close(): Promise<void>;
}

/** Starts a forge on 127.0.0.1 (a free port) with a fresh app key pair. */
export async function createForge(options: ForgeOptions = {}): Promise<Forge> {
  const clock = options.clock ?? (() => new Date());
  const appId = options.appId ?? 4242;
  const slug = options.appSlug ?? "merge-window";
  const webhookSecret = options.webhookSecret ?? `forge-secret-${appId}`;
  const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const root = options.root ?? mkdtempSync(join(tmpdir(), "forge-"));
  // Filled in once the server listens (the port is only known then); shapes read them at request time.
  const urls = { api: "", html: "" };
  const state = createForgeState(appId, slug, formatTimestamp(clock()));
  const webhooks = createWebhookQueue({ url: options.webhookUrl, secret: webhookSecret, appId, hookId: appId * 10 });
  const ctx: ForgeContext = {
    state,
    urls,
    clock,
    webhooks,
    tagKeys: options.tagKeys ?? {},
    appPublicKey: publicKey,
    ...(options.workflowConclusion ? { workflowConclusion: options.workflowConclusion } : {}),
  };
  const faults = createFaultPlan();
  const router = createRouter(ctx, FORGE_ROUTES, faults);
  const requests: RequestLogEntry[] = [];

  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", urls.api);
    // GitHub Enterprise's layout (what Probot calls with GHE_HOST): the same REST routes under /api/v3.
    if (url.pathname.startsWith("/api/v3/")) url.pathname = url.pathname.slice("/api/v3".length);
    const git = matchGitPath(url.pathname);
    const handled = git
      ? handleGitRequest(ctx, root, req, res, url, git).then(({ status, actor }) => ({
          method: req.method ?? "GET",
          route: `/{owner}/{repo}.git${git.suffix}`,
          path: url.pathname,
          status,
          at: clock(),
          actor,
        }))
      : router.handle(req, res, url);
    handled
      .then((entry) => requests.push(entry))
      .catch((error: unknown) => {
        console.error("forge: request failed", error);
        if (!res.headersSent) res.writeHead(500);
        res.end();
      });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (!address || typeof address === "string") throw new Error("forge: server has no port");
  urls.api = `http://127.0.0.1:${address.port}`;
  urls.html = urls.api;

  const harness = createHarness(ctx, root, faults, requests);
  return {
    ...harness,
    baseUrl: urls.api,
    app: { id: appId, slug, privateKey: privateKey.export({ type: "pkcs1", format: "pem" }).toString(), webhookSecret },
    root,
    requests,
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      if (!options.root) rmSync(root, { recursive: true, force: true });
    },
  };
}
