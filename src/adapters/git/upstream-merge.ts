// Upstream merge tracking (C11): is a commit in upstream's main branch, and which merge on its first-parent line
// brought it in.
import type { GitContext } from "./context.ts";
import { assertObjectId } from "./inputs.ts";
import { readRefRecords, UPSTREAM_HEADS } from "./refs.ts";

export interface UpstreamMergeFacts {
  readonly commit: string;
  readonly upstreamHead: string | null;
  readonly reachable: boolean;
  /**
   * The merge on upstream's first-parent line that brought `commit` in; null when not reachable or committed directly.
   */
  readonly mergeCommit: string | null;
  /** Committer date of mergeCommit. */
  readonly mergedAt: Date | null;
  readonly via: "merge" | "first-parent" | null;
}

/**
 * Whether upstream's main branch contains `commit`, and which merge on its first-parent line brought it in
 * (what pr-tracker-bot reports). Two processes, one when the caller passes the upstream head it observed
 * (null: upstream has no such branch). git 2.39 cannot combine --first-parent with --ancestry-path, so the
 * descendants of `commit` are listed and the first-parent line followed here.
 */
export async function findUpstreamMerge(
  context: GitContext,
  commit: string,
  observedHead?: string | null,
): Promise<UpstreamMergeFacts> {
  assertObjectId(commit, "commit");
  const upstreamHead =
    observedHead === undefined
      ? await readUpstreamHead(context)
      : observedHead === null
        ? null
        : assertObjectId(observedHead, "upstream head");
  const facts = (
    reachable: boolean,
    via: UpstreamMergeFacts["via"],
    mergeCommit: string | null = null,
    mergedAt: Date | null = null,
  ): UpstreamMergeFacts => ({ commit, upstreamHead, reachable, mergeCommit, mergedAt, via });
  if (!upstreamHead) return facts(false, null);
  if (upstreamHead === commit) return facts(true, "first-parent");
  const output = await context.git.run([
    "log",
    "--ancestry-path",
    "--format=%H%x1f%P%x1f%ct",
    "--end-of-options",
    upstreamHead,
    `^${commit}`,
  ]);
  const descendants = new Map<string, { parents: string[]; time: Date }>();
  for (const line of output.split("\n").filter(Boolean)) {
    const [sha = "", parents = "", seconds = "0"] = line.split("\x1f");
    descendants.set(sha, { parents: parents.split(" ").filter(Boolean), time: new Date(Number(seconds) * 1000) });
  }
  if (!descendants.has(upstreamHead)) return facts(false, null);
  let current = upstreamHead;
  for (;;) {
    const node = descendants.get(current)!;
    const first = node.parents[0];
    if (first === undefined || !descendants.has(first)) {
      return first === commit ? facts(true, "first-parent") : facts(true, "merge", current, node.time);
    }
    current = first;
  }
}

async function readUpstreamHead(context: GitContext): Promise<string | null> {
  const [head] = await readRefRecords(context.git, [`${UPSTREAM_HEADS}${context.upstreamBranch}`]);
  return head?.commit ?? null;
}
