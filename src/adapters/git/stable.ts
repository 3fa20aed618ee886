// Creates stable-X.Y on the remote at a pinned SHA: create if absent, no-op if already there, never moved.
import { assertSafeRefName } from "../../domain/names.ts";
import type { GitContext } from "./context.ts";
import { assertObjectId } from "./inputs.ts";
import { readRemoteRef } from "./refs.ts";
import { pushWithLeases } from "./push.ts";
import type { StableBranchResult } from "../../domain/git-results.ts";
import { killPoint } from "../kill-point.ts";

export type { StableBranchResult };

export interface StableBranchRequest {
  /** The branch, e.g. `stable-6.9` (rendered by the caller from its template). */
  readonly name: string;
  /** The commit of next the caller decided on; never re-read here. */
  readonly sha: string;
}

/**
 * Copies the pinned commit to `refs/heads/<name>` on the remote with `--force-with-lease=<ref>:` (empty
 * expectation: the ref must not exist). Same SHA already there is success; any other SHA is reported, never
 * overwritten.
 */
export async function createStableBranch(
  context: GitContext,
  request: StableBranchRequest,
): Promise<StableBranchResult> {
  const name = assertSafeRefName(request.name, "stable branch");
  const sha = assertObjectId(request.sha, `commit for ${name}`);
  const ref = `refs/heads/${name}`;
  if ((await context.git.tryRun(["cat-file", "-t", sha]))?.trim() !== "commit") {
    return {
      status: "refused",
      code: "not-a-commit",
      name,
      sha,
      existing: null,
      message: `${sha} is not a commit in the local repository`,
    };
  }
  const before = await readRemoteRef(context.git, context.remote, ref);
  if (before !== null) return describeExisting(name, sha, before);
  const pushed = await pushWithLeases(context.git, context.remote, [{ sha, lease: { ref, expect: "" } }]);
  killPoint("stable:after-push");
  if (pushed.ok) return { status: "created", name, sha };
  // Someone may have created it between the read and the push: report what is there now.
  const after = await readRemoteRef(context.git, context.remote, ref);
  if (after !== null) return describeExisting(name, sha, after);
  return {
    status: "refused",
    code: "push-failed",
    name,
    sha,
    existing: null,
    message: `pushing ${name} to ${context.remote} failed: ${pushed.failure ?? pushed.output.trim()}`,
  };
}

function describeExisting(name: string, sha: string, existing: string): StableBranchResult {
  if (existing === sha) return { status: "exists", name, sha };
  return {
    status: "refused",
    code: "exists-elsewhere",
    name,
    sha,
    existing,
    message:
      `${name} already exists at ${existing.slice(0, 12)}, not at ${sha.slice(0, 12)}; merge-window never moves ` +
      `an existing branch`,
  };
}
