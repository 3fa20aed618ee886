// Every GitHub route the app calls exists in GitHub's REST API: ROUTES_USED and index.ts's own routes are keys of
// @octokit/types' Endpoints (checked by tsc here), Octokit knows each at run time, and the matcher every end-to-end
// test applies to each request nock saw (ApiWorld.assertDone) accepts exactly those routes.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { Octokit } from "@octokit/rest";
import type { Endpoints } from "@octokit/types";
import { ROUTES_USED } from "../../src/adapters/github/index.ts";
import { APP_ROUTES, matchRoute } from "./api-world.ts";

// Compile time: a typo or a route GitHub does not have fails `tsc`.
APP_ROUTES satisfies readonly (keyof Endpoints)[];
ROUTES_USED satisfies readonly (keyof Endpoints)[];

/** `METHOD /url` of every endpoint method Octokit's REST plugin defines. */
function readOctokitRoutes(): Set<string> {
  const known = new Set<string>();
  for (const scope of Object.values(new Octokit().rest)) {
    for (const method of Object.values(
      scope as Record<string, { endpoint?: { DEFAULTS?: { method: string; url: string } } }>,
    )) {
      const defaults = method.endpoint?.DEFAULTS;
      if (defaults) known.add(`${defaults.method} ${defaults.url}`);
    }
  }
  return known;
}

test("every route the app declares is one Octokit knows from GitHub's OpenAPI description", () => {
  const known = readOctokitRoutes();
  assert.ok(known.size > 500, "Octokit's endpoint list was read");
  assert.deepEqual(
    [...ROUTES_USED, ...APP_ROUTES].filter((route) => !known.has(route)),
    [],
  );
});

test("APP_ROUTES are the routes src/app/probot-app.ts calls, plus @octokit/auth-app's token exchange", () => {
  const source = readFileSync(new URL("../../src/app/probot-app.ts", import.meta.url), "utf8");
  const called = [...source.matchAll(/\.(?:request|paginate)\("([A-Z]+ \/[^"]*)"/g)].map((match) => match[1]).sort();
  const declared = APP_ROUTES.filter((route) => !route.endsWith("/access_tokens")).sort();
  assert.deepEqual(called, declared);
});

test("the request matcher accepts the declared routes as Octokit sends them and nothing else", () => {
  const accepted: Array<[string, string, string]> = [
    [
      "GET",
      "/repos/selinuxproject/selinux-kernel/contents/.github%2Fmerge-window.yml",
      "GET /repos/{owner}/{repo}/contents/{path}",
    ],
    [
      "GET",
      "/repos/selinuxproject/selinux-kernel/labels/merge-window%3A%20deferred",
      "GET /repos/{owner}/{repo}/labels/{name}",
    ],
    ["PATCH", "/repos/selinuxproject/selinux-kernel/issues/1", "PATCH /repos/{owner}/{repo}/issues/{issue_number}"],
    ["POST", "/app/installations/4242/access_tokens", "POST /app/installations/{installation_id}/access_tokens"],
    ["GET", "/installation/repositories", "GET /installation/repositories"],
  ];
  for (const [method, path, route] of accepted) assert.equal(matchRoute(method, path), route, `${method} ${path}`);
  const refused: Array<[string, string]> = [
    ["DELETE", "/repos/selinuxproject/selinux-kernel/issues/1"],
    ["PATCH", "/repos/selinuxproject/selinux-kernel/git/refs/heads%2Fnext"],
    ["DELETE", "/repos/selinuxproject/selinux-kernel/git/refs/tags%2Fselinux-pr-20240312"],
    ["GET", "/repos/selinuxproject/selinux-kernel/contents/.github/merge-window.yml"],
    ["PUT", "/repos/selinuxproject/selinux-kernel/collaborators/pcmoore"],
    ["GET", "/user"],
  ];
  for (const [method, path] of refused) assert.equal(matchRoute(method, path), undefined, `${method} ${path}`);
});
