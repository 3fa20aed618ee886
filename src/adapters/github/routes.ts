// The REST routes the GitHub adapter may call, and the typed request and listing functions its parts share.
import type { Endpoints } from "@octokit/types";
import type { RouteCaller, RouteLister } from "./http.ts";

/** Every REST route the adapter calls; the route caller accepts nothing else, and `tsc` checks each exists. */
export const ROUTES_USED = [
  "GET /repos/{owner}/{repo}",
  "GET /repos/{owner}/{repo}/contents/{path}",
  "GET /repos/{owner}/{repo}/issues",
  // Before `issues/{issue_number}`, whose template its path also fits (for those who match paths in order).
  "GET /repos/{owner}/{repo}/issues/comments",
  "GET /repos/{owner}/{repo}/issues/{issue_number}",
  "POST /repos/{owner}/{repo}/issues",
  "PATCH /repos/{owner}/{repo}/issues/{issue_number}",
  "GET /repos/{owner}/{repo}/labels/{name}",
  "POST /repos/{owner}/{repo}/labels",
  "POST /repos/{owner}/{repo}/issues/{issue_number}/labels",
  "GET /repos/{owner}/{repo}/issues/{issue_number}/comments",
  "POST /repos/{owner}/{repo}/issues/{issue_number}/comments",
  "GET /repos/{owner}/{repo}/commits/{ref}/check-runs",
  "POST /repos/{owner}/{repo}/check-runs",
  "PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}",
  "GET /repos/{owner}/{repo}/pulls",
  "POST /repos/{owner}/{repo}/pulls",
  "GET /repos/{owner}/{repo}/pulls/{pull_number}/commits",
  "POST /repos/{owner}/{repo}/actions/workflows/{workflow_id}/dispatches",
  "GET /repos/{owner}/{repo}/collaborators/{username}/permission",
] as const satisfies readonly (keyof Endpoints)[];

export type RouteUsed = (typeof ROUTES_USED)[number];
/** The typed request function the adapter's parts share. */
export type Call = RouteCaller<RouteUsed>;
/** The typed listing function (every page, through Octokit's paginate) the adapter's parts share. */
export type List = RouteLister<RouteUsed>;
