// Per stable branch, in ONE git process for all of them: its upstream base tag and the fixes no tag has sent yet.
import { assertObjectId } from "./inputs.ts";
import { NAMESPACE, type UpstreamVersionTag } from "./refs.ts";
import type { GitRunner } from "./runner.ts";

export interface StableBranchFact {
  readonly name: string;
  readonly sha: string;
  /**
   * The newest upstream version tag at which the branch's own history starts (a boundary commit of
   * `<branch> --not <upstream>`); null when it starts at an untagged upstream commit, or when upstream
   * already contains the whole branch and that tip is not itself a tag.
   */
  readonly base: UpstreamVersionTag | null;
  /** Commits on the branch that neither upstream nor any tag of the family contains: fixes not yet sent. */
  readonly unsentCommits: number;
  /** Committer date of the oldest unsent commit. */
  readonly oldestUnsentAt: Date | null;
}

interface Node {
  readonly parents: readonly string[];
  readonly time: Date;
}

/**
 * Reads `<all stable tips> --not <upstream refs>` once, with boundary commits, then walks that small graph
 * here: from each family tag's commit (marking commits as sent) and from each branch tip.
 */
export async function readStableBranchFacts(
  git: GitRunner,
  branches: readonly { name: string; sha: string }[],
  familyTagCommits: readonly string[],
  upstreamTags: readonly UpstreamVersionTag[],
): Promise<StableBranchFact[]> {
  if (branches.length === 0) return [];
  const tips = [...new Set(branches.map((branch) => assertObjectId(branch.sha, `branch ${branch.name}`)))];
  const output = await git.run([
    "log",
    "--boundary",
    "--format=%m%x1f%H%x1f%P%x1f%ct",
    "--not",
    `--glob=${NAMESPACE}/upstream/*`,
    "--not",
    "--end-of-options",
    ...tips,
  ]);
  const own = new Map<string, Node>();
  for (const line of output.split("\n")) {
    const [mark, sha, parents = "", seconds = "0"] = line.split("\x1f");
    if (mark === ">" && sha)
      own.set(sha, { parents: parents.split(" ").filter(Boolean), time: new Date(Number(seconds) * 1000) });
  }
  const sent = new Set<string>();
  for (const commit of familyTagCommits) walk(own, commit, (sha) => sent.add(sha));
  return branches.map((branch) => {
    const boundary = new Set<string>(own.has(branch.sha) ? [] : [branch.sha]);
    let unsent = 0;
    let oldest: Date | null = null;
    walk(own, branch.sha, (sha, node) => {
      for (const parent of node.parents) if (!own.has(parent)) boundary.add(parent);
      if (sent.has(sha)) return;
      unsent++;
      if (!oldest || node.time < oldest) oldest = node.time;
    });
    const base = upstreamTags.filter((tag) => boundary.has(tag.commit)).at(-1) ?? null;
    return { name: branch.name, sha: branch.sha, base, unsentCommits: unsent, oldestUnsentAt: oldest };
  });
}

/** Visits every commit of `graph` reachable from `start` without leaving the graph. */
function walk(graph: ReadonlyMap<string, Node>, start: string, visit: (sha: string, node: Node) => void): void {
  const seen = new Set<string>();
  const stack = [start];
  while (stack.length > 0) {
    const sha = stack.pop()!;
    const node = graph.get(sha);
    if (!node || seen.has(sha)) continue;
    seen.add(sha);
    visit(sha, node);
    stack.push(...node.parents);
  }
}
