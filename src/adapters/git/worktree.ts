// A detached worktree in a fresh temporary directory, removed afterwards whatever happens inside.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { GitContext } from "./context.ts";
import { assertObjectId } from "./inputs.ts";
import type { GitRunner } from "./runner.ts";

/** Runs `body` in a detached worktree at `commit`; the worktree and its directory are gone when this settles. */
export async function withTemporaryWorktree<T>(
  context: GitContext,
  commit: string,
  body: (worktree: GitRunner) => Promise<T>,
): Promise<T> {
  assertObjectId(commit, "commit");
  const dir = await mkdtemp(join(tmpdir(), "merge-window-worktree-"));
  try {
    await context.git.run(["worktree", "add", "--detach", "--quiet", "--end-of-options", dir, commit]);
    return await body(context.createRunner(dir));
  } finally {
    await context.git.tryRun(["worktree", "remove", "--force", "--force", "--end-of-options", dir]);
    await rm(dir, { recursive: true, force: true });
    await context.git.tryRun(["worktree", "prune"]);
  }
}
