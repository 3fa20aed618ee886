// GitHub's REST API for the app's end-to-end tests: a small in-memory repository (issues, comments, labels, check
// runs, permissions, files) served through nock. Reads answer whenever asked; writes answer only when the test
// allowed them (all of them while settling, or exactly the expected ones), and every request is recorded.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import type { Endpoints } from "@octokit/types";
import nock from "nock";
import { ROUTES_USED } from "../../src/adapters/github/index.ts";

export const API = "https://api.github.com";
export const APP_SLUG = "merge-window";
export const BOT = { login: `${APP_SLUG}[bot]`, type: "Bot" } as const;

/** The routes src/app/probot-app.ts calls itself (auth, slug, installations), beside the adapter's ROUTES_USED. */
export const APP_ROUTES = [
  "GET /app",
  "GET /app/installations",
  "GET /installation/repositories",
  "POST /app/installations/{installation_id}/access_tokens",
] as const satisfies readonly (keyof Endpoints)[];

type Route = (typeof ROUTES_USED)[number] | (typeof APP_ROUTES)[number];
const WRITES = [
  "POST /repos/{owner}/{repo}/issues",
  "PATCH /repos/{owner}/{repo}/issues/{issue_number}",
  "POST /repos/{owner}/{repo}/labels",
  "POST /repos/{owner}/{repo}/issues/{issue_number}/comments",
  "POST /repos/{owner}/{repo}/check-runs",
  "PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}",
  "POST /repos/{owner}/{repo}/actions/workflows/{workflow_id}/dispatches",
] as const satisfies readonly Route[];
export type WriteRoute = (typeof WRITES)[number];
const READS = [
  "POST /app/installations/{installation_id}/access_tokens", // a token is a read of credentials, not a repository write
  "GET /app",
  "GET /app/installations",
  "GET /installation/repositories",
  "GET /repos/{owner}/{repo}",
  "GET /repos/{owner}/{repo}/contents/{path}",
  "GET /repos/{owner}/{repo}/issues",
  // Before `issues/{issue_number}`, which its path would match too.
  "GET /repos/{owner}/{repo}/issues/comments",
  "GET /repos/{owner}/{repo}/issues/{issue_number}",
  "GET /repos/{owner}/{repo}/labels/{name}",
  "GET /repos/{owner}/{repo}/issues/{issue_number}/comments",
  "GET /repos/{owner}/{repo}/commits/{ref}/check-runs",
  "GET /repos/{owner}/{repo}/collaborators/{username}/permission",
] as const satisfies readonly Route[];

export interface ApiRequest {
  readonly method: string;
  /** Path as sent (percent-encoded), without the query. */
  readonly path: string;
  readonly query: URLSearchParams;
  readonly route: Route;
  readonly body: Record<string, any>;
  readonly authorization: string;
}
export interface Issue {
  number: number;
  title: string;
  body: string;
  state: "open" | "closed";
  labels: string[];
  user: { login: string; type: string };
}
export interface Comment {
  id: number;
  body: string;
  user: { login: string; type: string };
}
export interface CheckRun {
  id: number;
  name: string;
  head_sha: string;
  status: string;
  conclusion: string;
  output: { title: string; summary: string };
}

export interface ApiState {
  readonly owner: string;
  readonly repo: string;
  readonly installationId: number;
  /** Files on the default branch (`.github/merge-window.yml`). */
  readonly files: Map<string, string>;
  readonly issues: Issue[];
  readonly comments: Map<number, Comment[]>;
  readonly checkRuns: CheckRun[];
  readonly labels: Set<string>;
  /** Collaborators' role names; anyone else is a 404 (not a collaborator). */
  readonly permissions: Map<string, string>;
}

/** The route a request is, `METHOD template`; undefined when it is none the app declares. */
export function matchRoute(method: string, path: string): Route | undefined {
  return [...ROUTES_USED, ...APP_ROUTES].find((route) => {
    const [routeMethod, template = ""] = route.split(" ");
    return routeMethod === method && new RegExp(`^${template.replace(/\{[a-z_]+\}/g, "[^/]+")}$`).test(path);
  });
}

export class ApiWorld {
  readonly requests: ApiRequest[] = [];
  readonly unmatched: string[] = [];
  private anyWrites = false;
  private nextId = 100;
  private readonly onNoMatch = (req: {
    method?: string;
    path?: string;
    href?: string;
    host?: string;
    hostname?: string;
  }) => {
    // A test's own server (webhooks over HTTP).
    if (/^127\.0\.0\.1(:\d+)?$/.test(req.hostname ?? req.host ?? "")) return;
    this.unmatched.push(`${req.method ?? "?"} ${req.path ?? req.href ?? "?"}`);
  };

  constructor(readonly state: ApiState) {
    nock.disableNetConnect();
    nock.emitter.on("no match", this.onNoMatch);
    const answer = (...args: Parameters<ApiWorld["answer"]>) => this.answer(...args);
    const scope = nock(API).persist();
    for (const route of [...READS, ...WRITES]) {
      const [method = "", template = ""] = route.split(" ");
      const isWrite = (WRITES as readonly string[]).includes(route);
      scope
        .intercept((uri) => this.matches(uri, template) && (!isWrite || this.anyWrites), method)
        .query(true)
        .optionally()
        .reply(function (uri, body) {
          return answer(route, method, uri, body, this.req.headers);
        });
    }
  }

  /** Settling runs: any write is answered (and recorded), so a test can bring the world to a point first. */
  allowAnyWrites(): void {
    this.anyWrites = true;
  }

  /**
   * From now on only these writes are answered, each once (nock.isDone() then says all of them came). A
   * `landedThen` status stores the write and answers that error, as GitHub does when a proxy times out.
   */
  expectWrites(...writes: (WriteRoute | { route: WriteRoute; landedThen: number })[]): void {
    this.anyWrites = false;
    for (const write of writes) {
      const { route, landedThen } = typeof write === "string" ? { route: write, landedThen: 0 } : write;
      const [method = "", template = ""] = route.split(" ");
      const answer = (...args: Parameters<ApiWorld["answer"]>) => this.answer(...args);
      nock(API)
        .intercept((uri) => this.matches(uri, template), method)
        .query(true)
        .reply(function (uri, body) {
          const [status, data] = answer(route, method, uri, body, this.req.headers);
          return landedThen ? [landedThen, { message: "Bad Gateway" }] : [status, data];
        });
    }
  }

  /** Requests other than GET (the token request aside) since `from`. */
  writes(from = 0): ApiRequest[] {
    return this.requests.slice(from).filter((r) => r.method !== "GET" && !r.route.endsWith("/access_tokens"));
  }

  /**
   * Every expected write came, nothing unanswered was asked, every request is a route the app declares, rightly
   * authenticated.
   */
  assertDone(): void {
    assert.deepEqual(nock.pendingMocks(), [], "expected requests that never came");
    assert.ok(nock.isDone());
    assert.deepEqual(this.unmatched, [], "requests nobody answered (an unexpected write?)");
    for (const request of this.requests) {
      assert.ok(matchRoute(request.method, request.path), `${request.method} ${request.path} is not a declared route`);
      // App routes authenticate as the app (a JWT); everything else as the installation (its token).
      const asApp = request.path === "/app" || request.path.startsWith("/app/");
      const expected = asApp
        ? /^bearer [\w-]+\.[\w-]+\.[\w-]+$/
        : new RegExp(`^token ghs_installation${this.state.installationId}$`);
      assert.match(request.authorization, expected, `${request.method} ${request.path} authenticated wrongly`);
    }
  }

  close(): void {
    nock.emitter.removeListener("no match", this.onNoMatch);
    nock.cleanAll();
    nock.enableNetConnect();
  }

  private matches(uri: string, template: string): boolean {
    const path = uri.split("?")[0]!;
    const { owner, repo } = this.state;
    const concrete = template.replace("{owner}", owner).replace("{repo}", repo);
    return new RegExp(`^${concrete.replace(/\{[a-z_]+\}/g, "[^/]+")}$`).test(path);
  }

  /** Records the request and answers it from the state (public for nock's reply functions). */
  answer(
    route: Route,
    method: string,
    uri: string,
    rawBody: unknown,
    headers: Record<string, string>,
  ): [number, unknown] {
    const url = new URL(uri, API);
    const body = (typeof rawBody === "string" && rawBody !== "" ? JSON.parse(rawBody) : (rawBody ?? {})) as Record<
      string,
      any
    >;
    this.requests.push({
      method,
      path: url.pathname,
      query: url.searchParams,
      route,
      body,
      authorization: String(headers.authorization ?? ""),
    });
    const parts = url.pathname.split("/").map(decodeURIComponent);
    const last = parts.at(-1)!;
    const item = parts[5]!; // /repos/{owner}/{repo}/{kind}/{item}/…: an issue number, a commit, a user
    const s = this.state;
    const issueOf = (n: string) => s.issues.find((issue) => issue.number === Number(n));
    const shape = (issue: Issue) => ({ ...issue, labels: issue.labels.map((name) => ({ name })) });
    switch (route) {
      case "POST /app/installations/{installation_id}/access_tokens":
        return [
          201,
          {
            token: `ghs_installation${parts[3]}`,
            expires_at: "2999-01-01T00:00:00Z",
            permissions: {},
            repository_selection: "all",
          },
        ];
      case "GET /app":
        return [200, { id: 1, slug: APP_SLUG, name: "merge-window" }];
      case "GET /app/installations":
        return [200, [{ id: s.installationId, account: { login: s.owner } }]];
      case "GET /installation/repositories":
        return [
          200,
          {
            total_count: 1,
            repositories: [{ name: s.repo, full_name: `${s.owner}/${s.repo}`, owner: { login: s.owner } }],
          },
        ];
      case "GET /repos/{owner}/{repo}":
        return [200, { name: s.repo, full_name: `${s.owner}/${s.repo}`, default_branch: "main" }];
      case "GET /repos/{owner}/{repo}/contents/{path}": {
        const text = s.files.get(parts.slice(5).join("/"));
        if (text === undefined) return [404, { message: "Not Found" }];
        return [
          200,
          { type: "file", encoding: "base64", size: text.length, content: Buffer.from(text).toString("base64") },
        ];
      }
      case "GET /repos/{owner}/{repo}/issues": {
        const label = url.searchParams.get("labels");
        const state = url.searchParams.get("state") ?? "open";
        const found = s.issues.filter(
          (i) => (!label || i.labels.includes(label)) && (state === "all" || i.state === state),
        );
        return [200, found.sort((a, b) => b.number - a.number).map(shape)];
      }
      case "GET /repos/{owner}/{repo}/issues/{issue_number}": {
        const issue = issueOf(last);
        if (!issue) return [404, { message: "Not Found" }];
        const comments = s.comments.get(issue.number) ?? [];
        // Stands in for updated_at: it changes with every edit and every comment, as GitHub's does.
        const stamp = createHash("sha256")
          .update(JSON.stringify([issue, comments]))
          .digest("hex")
          .slice(0, 12);
        return [
          200,
          {
            ...shape(issue),
            comments: comments.length,
            updated_at: stamp,
            repository_url: `${API}/repos/${s.owner}/${s.repo}`,
          },
        ];
      }
      case "POST /repos/{owner}/{repo}/issues": {
        const issue: Issue = {
          number: s.issues.length + 1,
          title: body.title,
          body: body.body ?? "",
          state: "open",
          labels: body.labels ?? [],
          user: BOT,
        };
        s.issues.push(issue);
        return [201, shape(issue)];
      }
      case "PATCH /repos/{owner}/{repo}/issues/{issue_number}": {
        const issue = issueOf(last);
        if (!issue) return [404, { message: "Not Found" }];
        Object.assign(
          issue,
          Object.fromEntries(Object.entries(body).filter(([key]) => ["title", "body", "state"].includes(key))),
        );
        return [200, shape(issue)];
      }
      case "GET /repos/{owner}/{repo}/labels/{name}":
        return s.labels.has(last) ? [200, { name: last }] : [404, { message: "Not Found" }];
      case "POST /repos/{owner}/{repo}/labels":
        s.labels.add(body.name);
        return [201, { name: body.name }];
      case "GET /repos/{owner}/{repo}/issues/{issue_number}/comments":
        return [200, s.comments.get(Number(item)) ?? []];
      case "GET /repos/{owner}/{repo}/issues/comments": {
        // Every thread's comments, oldest first (ids grow with time here); one page is all this world holds.
        const all = [...s.comments].flatMap(([number, comments]) =>
          comments.map((comment) => ({ ...comment, issue_url: `${API}/repos/${s.owner}/${s.repo}/issues/${number}` })),
        );
        return [200, all.sort((a, b) => a.id - b.id)];
      }
      case "POST /repos/{owner}/{repo}/issues/{issue_number}/comments": {
        const comment: Comment = { id: this.nextId++, body: body.body, user: BOT };
        s.comments.set(Number(item), [...(s.comments.get(Number(item)) ?? []), comment]);
        return [201, comment];
      }
      case "GET /repos/{owner}/{repo}/commits/{ref}/check-runs": {
        const runs = s.checkRuns.filter(
          (run) => run.head_sha === item && run.name === (url.searchParams.get("check_name") ?? run.name),
        );
        return [
          200,
          { total_count: runs.length, check_runs: runs.map((run) => ({ ...run, app: { slug: APP_SLUG } })) },
        ];
      }
      case "POST /repos/{owner}/{repo}/check-runs": {
        const run: CheckRun = {
          id: this.nextId++,
          name: body.name,
          head_sha: body.head_sha,
          status: body.status,
          conclusion: body.conclusion,
          output: body.output,
        };
        s.checkRuns.push(run);
        return [201, run];
      }
      case "PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}": {
        const run = s.checkRuns.find((candidate) => candidate.id === Number(last));
        if (!run) return [404, { message: "Not Found" }];
        Object.assign(run, { status: body.status, conclusion: body.conclusion, output: body.output });
        return [200, run];
      }
      case "POST /repos/{owner}/{repo}/actions/workflows/{workflow_id}/dispatches":
        return [204, ""];
      case "GET /repos/{owner}/{repo}/collaborators/{username}/permission": {
        const role = s.permissions.get(item);
        if (!role) return [404, { message: "Not Found" }];
        const permission = role === "maintain" ? "write" : role === "triage" ? "read" : role;
        return [200, { permission, role_name: role, user: { login: item, type: "User" } }];
      }
      default:
        return [500, { message: `the test API does not serve ${route}` }];
    }
  }
}
