// A one-line hint when a maintainer's clone has a large history and no commit-graph (git uses one when present).
import { existsSync } from "node:fs";
import { join } from "node:path";
import type { GitRunner } from "../adapters/git/runner.ts";

/** Objects in a clone's packs from which a commit-graph clearly pays (a kernel tree holds ~10M). */
export const LARGE_HISTORY_OBJECTS = 200_000;

/** Whether git finds a commit-graph for `gitDir` (a single file or a split chain); no git process. */
export function hasCommitGraph(gitDir: string): boolean {
  const info = join(gitDir, "objects", "info");
  return existsSync(join(info, "commit-graph")) || existsSync(join(info, "commit-graphs", "commit-graph-chain"));
}

/**
 * The hint, or null: nothing when a graph exists (no git process then), else one `git count-objects -v` and a
 * hint only when the history is large.
 */
export async function findCommitGraphHint(
  runner: GitRunner,
  gitDir: string,
  repoDir: string,
  largeHistory = LARGE_HISTORY_OBJECTS,
): Promise<string | null> {
  if (hasCommitGraph(gitDir)) return null;
  const output = (await runner.tryRun(["count-objects", "-v"])) ?? "";
  const inPack = Number(/^in-pack: (\d+)$/m.exec(output)?.[1] ?? 0);
  if (inPack < largeHistory) return null;
  return (
    `hint: ${repoDir} has ${inPack} objects and no commit-graph; ` +
    `\`git -C ${repoDir} commit-graph write --reachable --changed-paths\` makes merge-window and git log faster ` +
    "(git keeps it current with `git maintenance start`)\n"
  );
}
