// The pieces of a rebase: the static checks of the safety rules, a rebase in a worktree, the patch-id check, the
// range-diff.
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { assertSafeRefName } from "../../domain/names.ts";
import { tryParseVersion } from "../../domain/version.ts";
import type { GitContext } from "./context.ts";
import { assertObjectId, buildIdentityConfig, type GitIdentity } from "./inputs.ts";
import {
  buildUpstreamTags,
  countCommits,
  findBaseTag,
  readOwnRange,
  type MergeFact,
  type OwnCommit,
  type UpstreamVersionTag,
} from "./observe.ts";
import { findPatchEquivalents, readTouchedFiles } from "./patch-equivalents.ts";
import { readRefRecords, UPSTREAM_TAGS } from "./refs.ts";
import type { GitRunner } from "./runner.ts";
import type { RebaseRefusal, RebaseRefusalCode, TrialRebase } from "../../domain/git-results.ts";

export type { RebaseRefusal, RebaseRefusalCode, TrialRebase };

export interface RebaseRequest {
  /** The upstream tag to rebase onto: `vX.Y` or `vX.Y-rcN`, present in the upstream mirror. */
  readonly onto: string;
  readonly nextBranch?: string;
  /** next's SHA as the caller read it (the lease); default: next in the ref view now. */
  readonly expectedSha?: string;
}

/** What a rebase would start from, after the static checks passed. */
export interface RebasePlan {
  readonly branch: string;
  readonly old: string;
  readonly onto: { readonly name: string; readonly commit: string };
  readonly base: UpstreamVersionTag | null;
  readonly ownCommits: readonly OwnCommit[];
  readonly merges: readonly MergeFact[];
}

export function buildRefusal(
  code: RebaseRefusalCode,
  message: string,
  extra: Partial<RebaseRefusal> = {},
): RebaseRefusal {
  return { ...extra, status: "refused", code, message };
}

/**
 * The safety rules before any rebase: the target is an upstream `vX.Y`/`vX.Y-rcN` tag, next exists, next has no
 * merges of others' history, and next holds no upstream commits the target lacks. Unsafe names throw InputError.
 */
export async function prepareRebase(context: GitContext, request: RebaseRequest): Promise<RebasePlan | RebaseRefusal> {
  const branch = assertSafeRefName(request.nextBranch ?? "next", "next branch");
  const ontoName = assertSafeRefName(request.onto, "rebase target tag");
  const expected =
    request.expectedSha === undefined ? undefined : assertObjectId(request.expectedSha, `expected ${branch} SHA`);
  const version = tryParseVersion(ontoName);
  if (!version || version.legacy.length > 0) {
    return buildRefusal(
      "not-a-version-tag",
      `${ontoName} is not an upstream release or release-candidate tag (vX.Y or vX.Y-rcN)`,
    );
  }
  const records = await readRefRecords(context.git, [UPSTREAM_TAGS, `${context.view.heads}${branch}`]);
  const upstreamTags = buildUpstreamTags(records.filter((record) => record.ref.startsWith(UPSTREAM_TAGS)));
  const onto = upstreamTags.find((tag) => tag.name === ontoName);
  if (!onto) return buildRefusal("unknown-upstream-tag", `${ontoName} is not a tag of upstream (fetch upstream first)`);
  const old = expected ?? records.find((record) => record.ref === `${context.view.heads}${branch}`)?.commit;
  if (!old) return buildRefusal("next-missing", `branch ${branch} does not exist`);
  if ((await context.git.tryRun(["cat-file", "-t", old]))?.trim() !== "commit") {
    return buildRefusal("next-missing", `${branch} at ${old} is not a commit in the local repository (observe first)`);
  }
  const own = await readOwnRange(context.git, old);
  const foreign = own.merges.filter((merge) => merge.foreign);
  if (foreign.length > 0) {
    const listed = foreign.map((merge) => `${merge.sha.slice(0, 12)} ("${merge.subject}")`).join(", ");
    return buildRefusal(
      "foreign-merges",
      `${branch} contains merges of others' history, which a rebase would rewrite: ${listed}`,
      { foreignMerges: foreign },
    );
  }
  const replayed = await countCommits(context.git, onto.commit, old);
  if (replayed !== own.commits.length) {
    const extra = replayed - own.commits.length;
    return buildRefusal(
      "target-behind-next",
      `${branch} already contains ${extra} upstream commit(s) that ${ontoName} does not; rebasing onto it ` +
        `would re-apply upstream work as ${branch}'s own`,
    );
  }
  const base = await findBaseTag(context.git, old, upstreamTags, own.boundary);
  return {
    branch,
    old,
    onto: { name: onto.name, commit: onto.commit },
    base,
    ownCommits: own.commits,
    merges: own.merges,
  };
}

/** `git rebase` of the worktree's detached HEAD onto `onto` (the fallback when a replay needs a worktree). */
export async function runRebase(
  worktree: GitRunner,
  onto: string,
  identity: GitIdentity | undefined,
): Promise<TrialRebase> {
  assertObjectId(onto, "rebase target");
  const args = [
    ...buildIdentityConfig(identity),
    "rebase",
    "--no-autostash",
    "--no-autosquash",
    "--no-update-refs",
    "--no-verify",
    "--quiet",
    "--end-of-options",
    onto,
  ];
  let output: string;
  try {
    output = await worktree.run(args);
  } catch (error) {
    output = error instanceof Error ? error.message : String(error);
  }
  // The exit status alone does not say where the rebase stands: a stopped rebase leaves its state directory behind.
  const gitDir = (await worktree.run(["rev-parse", "--absolute-git-dir"])).trim();
  const stopped = ["rebase-merge", "rebase-apply"].some((name) => existsSync(resolve(gitDir, name)));
  const head = (await worktree.run(["rev-parse", "--verify", "HEAD"])).trim();
  if (!stopped && (await countCommits(worktree, head, onto)) === 0) {
    return { clean: true, newHead: head, conflicts: [], conflictingCommits: [], stoppedAt: null, output };
  }
  const conflicts = (await worktree.run(["diff", "--name-only", "--diff-filter=U"])).split("\n").filter(Boolean);
  const stoppedAt = stopped
    ? (await worktree.tryRun(["rev-parse", "--verify", "--quiet", "REBASE_HEAD"]))?.trim() || null
    : null;
  // git rebase stops at the first conflicting commit: only that one's files are known.
  const subject = stoppedAt
    ? ((await worktree.tryRun(["log", "-1", "--format=%s", "--end-of-options", stoppedAt]))?.trim() ?? "")
    : "";
  const conflictingCommits = stoppedAt && conflicts.length > 0 ? [{ sha: stoppedAt, subject, files: conflicts }] : [];
  if (stopped) await worktree.tryRun(["rebase", "--abort"]);
  return { clean: false, newHead: null, conflicts, conflictingCommits, stoppedAt, output };
}

/**
 * Commits of the old range (`old` minus upstream, merges aside) with no patch-id-equal commit in `new...old`'s
 * other side — that side holds both the rebased commits and the upstream commits since the old base, so a
 * commit is "present" when rebased or already upstream (as `git log --cherry new...old` says, at the cost of the
 * commits that touch next's files: findPatchEquivalents).
 */
export async function findMissingCommits(git: GitRunner, oldSha: string, newSha: string): Promise<OwnCommit[]> {
  const newHead = assertObjectId(newSha, "new head");
  const oldHead = assertObjectId(oldSha, "old head");
  const touched = await readTouchedFiles(git, [`${newHead}..${oldHead}`]);
  const present = await findPatchEquivalents(git, newHead, oldHead, touched);
  const missing = [...touched.keys()].filter((sha) => !present.has(sha));
  if (missing.length === 0) return [];
  const output = await git.run(["log", "--no-walk=unsorted", "--format=%H%x1f%s", "--end-of-options", ...missing]);
  return output
    .split("\n")
    .filter((line) => line !== "")
    .map((line) => {
      const [sha = "", subject = ""] = line.split("\x1f");
      return { sha, parents: [], subject };
    });
}

/** `git range-diff` pair lines (`1: abc = 1: def subject`) between `onto..old` and `onto..new`. */
export async function readRangeDiff(git: GitRunner, onto: string, oldSha: string, newSha: string): Promise<string[]> {
  // range-diff (git 2.39) counts `--end-of-options` as a range argument; these three are validated full SHAs,
  // which git cannot read as options.
  const output = await git.run([
    "range-diff",
    "--no-color",
    "--no-patch",
    assertObjectId(onto, "base"),
    assertObjectId(oldSha, "old head"),
    assertObjectId(newSha, "new head"),
  ]);
  return output.split("\n").filter((line) => line.trim() !== "");
}
