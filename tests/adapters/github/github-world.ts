// Shared set-up for the GitHub adapter tests: a real @octokit/rest Octokit against nock, with every request
// it sends recorded and matched against ROUTES_USED.
import assert from "node:assert/strict";
import { Octokit } from "@octokit/rest";
import nock from "nock";
import { createGitHubAdapter, ROUTES_USED, type RouteUsed } from "../../../src/adapters/github/index.ts";
import type { GitHubPort } from "../../../src/ports.ts";

export const API = "https://api.github.com";
export const OWNER = "selinuxproject";
export const REPO = "selinux-kernel";
export const APP = "merge-window";
/** Paths under the repository, as Octokit sends them. */
export const REPO_PATH = `/repos/${OWNER}/${REPO}`;
export const BOT = { login: `${APP}[bot]`, type: "Bot" } as const;
export const HUMAN = { login: "pcmoore", type: "User" } as const;
export const OTHER_BOT = { login: "dependabot[bot]", type: "Bot" } as const;

/** Octokit's logger, silenced: failed requests are the point of several tests. */
export const QUIET = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };

export interface Harness {
  readonly adapter: GitHubPort;
  /** `METHOD /path?query` of every request the Octokit sent, in order. */
  readonly requests: string[];
  /** How many requests were `METHOD path` (path without query). */
  count(method: string, path: string): number;
}

/** A fresh adapter over a plain Octokit (no retry, no throttle plugin) whose fetch records each request. */
export function createHarness(octokit?: Octokit): Harness {
  const requests: string[] = [];
  const client =
    octokit ??
    new Octokit({
      log: QUIET,
      request: {
        fetch: (url: string, init: RequestInit) => {
          const { pathname, search } = new URL(url);
          requests.push(`${(init.method ?? "GET").toUpperCase()} ${pathname}${search}`);
          return fetch(url, init);
        },
      },
    });
  return {
    adapter: createGitHubAdapter({ octokit: client, owner: OWNER, repo: REPO, appSlug: APP }),
    requests,
    count: (method, path) => requests.filter((r) => r.split("?")[0] === `${method} ${path}`).length,
  };
}

/** The ROUTES_USED template a recorded request matches; undefined when the adapter called something else. */
export function matchRoute(request: string): RouteUsed | undefined {
  const [method, url = ""] = request.split(" ");
  const path = url.split("?")[0]!;
  return ROUTES_USED.find((route) => {
    const [routeMethod, template = ""] = route.split(" ");
    const pattern = new RegExp(`^${template.replace(/\{[a-z_]+\}/g, "[^/]+")}$`);
    return routeMethod === method && pattern.test(path);
  });
}

/** Ends a test: every mock was used, and every request the adapter made is a route it declares. */
export function assertDone(harness: Harness): void {
  assert.deepEqual(nock.pendingMocks(), [], "mocks the adapter never called");
  assert.ok(nock.isDone());
  for (const request of harness.requests) assert.ok(matchRoute(request), `${request} is not in ROUTES_USED`);
}

/** An issue comment as GitHub lists it. */
export function buildComment(id: number, user: { login: string; type: string }, body: string) {
  return { id, user, body, created_at: "2024-03-12T10:00:00Z" };
}

/** An issue as GitHub lists it. */
export function buildIssue(
  number: number,
  user: { login: string; type: string },
  title: string,
  body: string,
  state = "open",
) {
  return { number, user, title, body, state, labels: [{ name: "merge-window" }] };
}

/** A GitHub error answer. */
export function buildError(message: string) {
  return { message, documentation_url: "https://docs.github.com/rest" };
}
