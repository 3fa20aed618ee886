// Which commits of A...B's right side have a patch-id-equal commit on the left, as git's --cherry-mark decides,
// at the cost of the commits that touch the right side's files rather than of every commit on the left.
import type { GitRunner } from "./runner.ts";

/** Commit id → the files it changes (no rename detection, merges left out). */
export type TouchedFiles = ReadonlyMap<string, readonly string[]>;

/** The files each non-merge commit of `revisions` changes, in `git log` order (or as given: `walk` false). */
export async function readTouchedFiles(
  git: GitRunner,
  revisions: readonly string[],
  walk = true,
): Promise<Map<string, string[]>> {
  const order = walk ? [] : ["--no-walk=unsorted"];
  return parseTouchedFiles(await git.run([...TOUCHED_FILES, ...order, "--end-of-options", ...revisions]));
}

/** `git log` arguments that print each commit as NUL, its id, NUL, then the files it changes. */
const TOUCHED_FILES = ["log", "-z", "--no-merges", "--no-renames", "--format=%x00%H", "--name-only"];

/** Commit id → the files it changes, from TOUCHED_FILES output: `\0<id>\0\n<file>\0<file>\0` per commit. */
export function parseTouchedFiles(output: string): Map<string, string[]> {
  const touched = new Map<string, string[]>();
  let files: string[] = [];
  let expectId = true;
  for (const token of output.split("\0")) {
    if (token === "") expectId = true;
    else if (expectId) {
      files = [];
      touched.set(token, files);
      expectId = false;
    } else files.push(files.length === 0 ? token.replace(/^\n/, "") : token);
  }
  return touched;
}

/**
 * The commits of `left...right`'s right side (merges aside; `touched` holds each with its files) that have a
 * patch-id-equal commit on the left side, exactly as `git log --cherry-mark left...right` marks them.
 *
 * A patch-id covers the file names, so only left commits that change one of the right side's files can match: git
 * marks equivalents in one walk limited to those files (or to the one directory holding them all, which the
 * commit-graph's changed-path filters answer). Limited, git compares the limited patches: a marked left commit
 * that also changes other files matched on part of its patch only. Then, and when the right side holds an empty
 * commit (an empty patch equals any empty commit's), git compares every commit of both sides, as a rebase does.
 */
export async function findPatchEquivalents(
  git: GitRunner,
  left: string,
  right: string,
  touched: TouchedFiles,
): Promise<Set<string>> {
  const symmetric = `${left}...${right}`;
  if (touched.size === 0) return new Set();
  const everyCommit = async () => new Set(await listMarked(git, ["--right-only", symmetric], []));
  if ([...touched.values()].some((changed) => changed.length === 0)) return everyCommit();
  const files = new Set([...touched.values()].flat());
  const pathspecs = limitTo([...files]);
  // A treewide series: its file list would not fit on a command line; git compares everything instead.
  if (pathspecs.length > MAX_PATHSPECS) return everyCommit();
  const marked = await listMarked(git, [symmetric], pathspecs);
  const theirs = marked.filter((sha) => !touched.has(sha));
  if (theirs.length === 0) return new Set();
  const changed = await readTouchedFiles(git, theirs, false);
  const whole = [...changed.values()].every((paths) => paths.every((file) => files.has(file)));
  return whole ? new Set(marked.filter((sha) => touched.has(sha))) : everyCommit();
}

/** Files named on one command line at most (about 100 bytes each, far below the kernel's argument limit). */
const MAX_PATHSPECS = 5_000;

/** The commits `git log --cherry-mark` marks `=` (patch-id-equal to one on the other side), merges aside. */
async function listMarked(git: GitRunner, args: readonly string[], paths: readonly string[]): Promise<string[]> {
  const output = await git.run([
    "log",
    "--no-merges",
    "--full-history",
    "--cherry-mark",
    "--format=%m%H",
    ...args,
    "--",
    ...paths,
  ]);
  return output
    .split("\n")
    .filter((line) => line.startsWith("="))
    .map((line) => line.slice(1));
}

/** Literal pathspecs: the one directory holding every file when there is one (a changed-path filter answers it). */
function limitTo(files: readonly string[]): string[] {
  const directories = files.map((file) => file.split("/").slice(0, -1));
  const common: string[] = [];
  for (const [depth, part] of (directories[0] ?? []).entries()) {
    if (!directories.every((directory) => directory[depth] === part)) break;
    common.push(part);
  }
  return (common.length > 0 ? [common.join("/")] : files).map((path) => `:(literal)${path}`);
}
