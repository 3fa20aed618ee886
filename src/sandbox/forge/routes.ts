// The forge's one route table: each key a GitHub REST route (checked by tsc against @octokit/types).
import type { RouteKey, RouteTable } from "./route-types.ts";
import { dispatchWorkflow } from "./routes/actions.ts";
import {
  createInstallationToken,
  getAuthenticatedApp,
  getRepoInstallation,
  listInstallationRepos,
  listInstallations,
} from "./routes/apps.ts";
import { createCheckRun, listCheckRunsForRef, updateCheckRun } from "./routes/checks.ts";
import { createComment, listComments, listRepoComments, updateComment } from "./routes/comments.ts";
import { createRef, deleteRef, getRef, getTag, listMatchingRefs, updateRef } from "./routes/git-refs.ts";
import { createIssue, getIssue, listIssues, updateIssue } from "./routes/issues.ts";
import { addLabels, createLabel, getLabel, removeLabel } from "./routes/labels.ts";
import { createPull, getPull, listPullCommits, listPulls } from "./routes/pulls.ts";
import { getCollaboratorPermission, getContent, getRepo } from "./routes/repos.ts";

/** Every REST route the forge serves; a key GitHub does not have, or a handler of the wrong shape, fails tsc. */
export const FORGE_ROUTES = {
  "GET /app": { auth: "app", handle: getAuthenticatedApp },
  "POST /app/installations/{installation_id}/access_tokens": { auth: "app", handle: createInstallationToken },
  "GET /app/installations": { auth: "app", handle: listInstallations },
  "GET /repos/{owner}/{repo}/installation": { auth: "app", handle: getRepoInstallation },
  "GET /installation/repositories": { auth: "token", handle: listInstallationRepos },

  "GET /repos/{owner}/{repo}": { auth: "token", handle: getRepo },
  "GET /repos/{owner}/{repo}/contents/{path}": { auth: "token", handle: getContent },
  "GET /repos/{owner}/{repo}/collaborators/{username}/permission": { auth: "token", handle: getCollaboratorPermission },

  "GET /repos/{owner}/{repo}/git/ref/{ref}": { auth: "token", handle: getRef },
  "GET /repos/{owner}/{repo}/git/matching-refs/{ref}": { auth: "token", handle: listMatchingRefs },
  "POST /repos/{owner}/{repo}/git/refs": { auth: "token", handle: createRef },
  "PATCH /repos/{owner}/{repo}/git/refs/{ref}": { auth: "token", handle: updateRef },
  "DELETE /repos/{owner}/{repo}/git/refs/{ref}": { auth: "token", handle: deleteRef },
  "GET /repos/{owner}/{repo}/git/tags/{tag_sha}": { auth: "token", handle: getTag },

  "GET /repos/{owner}/{repo}/issues": { auth: "token", handle: listIssues },
  "POST /repos/{owner}/{repo}/issues": { auth: "token", handle: createIssue },
  "GET /repos/{owner}/{repo}/issues/{issue_number}": { auth: "token", handle: getIssue },
  "PATCH /repos/{owner}/{repo}/issues/{issue_number}": { auth: "token", handle: updateIssue },
  "GET /repos/{owner}/{repo}/issues/{issue_number}/comments": { auth: "token", handle: listComments },
  "GET /repos/{owner}/{repo}/issues/comments": { auth: "token", handle: listRepoComments },
  "POST /repos/{owner}/{repo}/issues/{issue_number}/comments": { auth: "token", handle: createComment },
  "PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}": { auth: "token", handle: updateComment },
  "POST /repos/{owner}/{repo}/issues/{issue_number}/labels": { auth: "token", handle: addLabels },
  "DELETE /repos/{owner}/{repo}/issues/{issue_number}/labels/{name}": { auth: "token", handle: removeLabel },
  "GET /repos/{owner}/{repo}/labels/{name}": { auth: "token", handle: getLabel },
  "POST /repos/{owner}/{repo}/labels": { auth: "token", handle: createLabel },

  "GET /repos/{owner}/{repo}/pulls": { auth: "token", handle: listPulls },
  "GET /repos/{owner}/{repo}/pulls/{pull_number}": { auth: "token", handle: getPull },
  "POST /repos/{owner}/{repo}/pulls": { auth: "token", handle: createPull },
  "GET /repos/{owner}/{repo}/pulls/{pull_number}/commits": { auth: "token", handle: listPullCommits },

  "POST /repos/{owner}/{repo}/check-runs": { auth: "token", handle: createCheckRun },
  "PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}": { auth: "token", handle: updateCheckRun },
  "GET /repos/{owner}/{repo}/commits/{ref}/check-runs": { auth: "token", handle: listCheckRunsForRef },

  "POST /repos/{owner}/{repo}/actions/workflows/{workflow_id}/dispatches": { auth: "token", handle: dispatchWorkflow },
} as const satisfies RouteTable;

export type ForgeRouteKey = keyof typeof FORGE_ROUTES & RouteKey;

/** The routes the forge serves, for a test that checks every route the app calls is one of them. */
export const FORGE_ROUTE_KEYS = Object.keys(FORGE_ROUTES) as ForgeRouteKey[];
