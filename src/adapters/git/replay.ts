// Replays next's commits onto a tag without a checkout: `git merge-tree --write-tree` per commit, commit objects
// written byte for byte (author line and message copied, as git's own sequencer does) by one `git hash-object`.
import { createHash } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { assertObjectId, buildIdentityConfig, type GitIdentity } from "./inputs.ts";
import { findPatchEquivalents, readTouchedFiles } from "./patch-equivalents.ts";
import type { GitLinePipe, GitRunner } from "./runner.ts";
import type { ConflictingCommit, TrialRebase } from "../../domain/git-results.ts";

/** One commit of next to replay, with what it takes to write its copy exactly. */
interface ReplayCommit {
  readonly sha: string;
  readonly parent: string;
  readonly tree: string;
  /** `Name <email> epoch tz`, as in the commit object. */
  readonly author: string;
  readonly message: string;
  readonly subject: string;
}

/** Why the replay cannot run without a worktree (the caller then rebases in one), or null. */
export type ReplayOutcome = { readonly trial: TrialRebase } | { readonly needsWorktree: string };

// %x00-separated fields, commits separated by NUL (-z); --date=raw gives `epoch tz` exactly as stored.
const FIELDS = ["%H", "%P", "%T", "%an", "%ae", "%ad", "%cn", "%ce", "%cd", "%B"];
const FORMAT = FIELDS.map((field) => `${field}%x00`).join("");

/**
 * The commits `git rebase <onto>` would pick from `old`, oldest first: not in onto, merges left out (a rebase
 * linearises them), and none whose patch is already in onto (patch-id, as git's `--cherry-pick`).
 */
export async function listReplayCommits(
  git: GitRunner,
  onto: string,
  old: string,
): Promise<ReplayCommit[] | { readonly needsWorktree: string }> {
  const range = `${assertObjectId(onto, "rebase target")}..${assertObjectId(old, "next head")}`;
  const [output, names] = await Promise.all([
    git.run([
      "log",
      "-z",
      "--reverse",
      "--topo-order",
      "--no-merges",
      "--no-use-mailmap",
      "--no-show-signature",
      "--date=raw",
      `--format=${FORMAT}`,
      "--end-of-options",
      range,
    ]),
    readTouchedFiles(git, [range]),
  ]);
  const fields = output.split("\0");
  const commits: ReplayCommit[] = [];
  // Each commit: FIELDS.length fields, then the -z terminator (an empty field).
  for (let at = 0; at + FIELDS.length <= fields.length; at += FIELDS.length + 1) {
    const [sha = "", parents = "", tree = "", an, ae, ad, cn, ce, cd, message = ""] = fields.slice(
      at,
      at + FIELDS.length,
    );
    const parentList = parents.split(" ").filter(Boolean);
    if (parentList.length !== 1) return { needsWorktree: `${sha.slice(0, 12)} is a root commit` };
    const author = `${an} <${ae}> ${ad}`;
    const commit = { sha, parent: parentList[0]!, tree, author, message, subject: "" };
    // The copy must be the same bytes: rebuild the original object and compare ids. A signed commit, a non-UTF-8
    // encoding header or an unusual ident line would not survive, and then git's own rebase does it.
    if (hashCommit(commit.tree, commit.parent, author, `${cn} <${ce}> ${cd}`, commit.message, sha) !== sha) {
      const why = "a signature, a non-UTF-8 encoding or an unusual ident line";
      return { needsWorktree: `commit ${sha.slice(0, 12)} cannot be copied byte for byte from its fields (${why})` };
    }
    commits.push({ ...commit, subject: commit.message.split("\n", 1)[0]! });
  }
  // A commit whose patch is already upstream: git rebase skips it (as its --cherry-pick does).
  const upstream = await findPatchEquivalents(git, onto, old, names);
  return commits.filter((commit) => !upstream.has(commit.sha));
}

function renderCommit(tree: string, parent: string, author: string, committer: string, message: string): string {
  return `tree ${tree}\nparent ${parent}\nauthor ${author}\ncommitter ${committer}\n\n${message}`;
}

/** The object id git gives a commit with these fields (SHA-1 or SHA-256, as long as `like`). */
function hashCommit(tree: string, parent: string, author: string, committer: string, message: string, like: string) {
  return hashObject(renderCommit(tree, parent, author, committer, message), like);
}

/** The id of a commit object with this text (SHA-1 or SHA-256, as long as `like`). */
function hashObject(text: string, like: string): string {
  const body = Buffer.from(text, "utf8");
  return createHash(like.length === 64 ? "sha256" : "sha1")
    .update(`commit ${body.length}\0`)
    .update(body)
    .digest("hex");
}

/**
 * Replays next onto `onto` the way `git rebase --no-autosquash <onto>` would, with no worktree and no ref changed:
 * author, author date and message kept byte for byte, committer from `identity` (or the clone's config) at the
 * time of the replay, commits that become empty dropped, commits that were empty kept. A conflicting commit is
 * recorded with its files and the replay goes on (its tree with conflict markers), so every conflict is listed.
 */
export async function replayOnto(
  git: GitRunner,
  onto: string,
  old: string,
  identity: GitIdentity | undefined,
): Promise<ReplayOutcome> {
  assertObjectId(onto, "rebase target");
  assertObjectId(old, "next head");
  if ((await git.tryRun(["config", "--type=bool", "--get", "commit.gpgSign"]))?.trim() === "true") {
    return { needsWorktree: "commit.gpgSign is set: the rebased commits must be signed, which git rebase does" };
  }
  // Already on onto (or behind it): git rebase leaves next as it is, or fast-forwards.
  if ((await git.tryRun(["merge-base", "--is-ancestor", "--end-of-options", onto, old])) !== null) {
    return { trial: { clean: true, newHead: old, conflicts: [], conflictingCommits: [], stoppedAt: null, output: "" } };
  }
  const listed = await listReplayCommits(git, onto, old);
  if (!Array.isArray(listed)) return listed;
  const ident = await git.runWithExit([...buildIdentityConfig(identity), "var", "GIT_COMMITTER_IDENT"]);
  if (ident.code !== 0) {
    return { trial: failed(`no committer identity: set user.name and user.email (${ident.stdout.trim()})`) };
  }
  const committer = ident.stdout.trim();
  const known = new Map(listed.map((commit) => [commit.sha, commit.tree]));
  const outside = [...new Set(listed.map((commit) => commit.parent).filter((parent) => !known.has(parent)))];
  // rev-parse prints `--end-of-options` back instead of honouring it (git 2.39); these are validated ids + ^{tree}.
  const trees = (await git.run(["rev-parse", `${onto}^{tree}`, ...outside.map((parent) => `${parent}^{tree}`)]))
    .split("\n")
    .filter(Boolean);
  trees.slice(1).forEach((tree, i) => known.set(outside[i]!, tree));
  const scratch = await mkdtemp(join(tmpdir(), "merge-window-replay-"));
  try {
    return {
      trial: await replayCommits(git, scratch, { git, onto, ontoTree: trees[0]!, committer, listed, known }),
    };
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

interface ReplayInput {
  readonly git: GitRunner;
  readonly onto: string;
  readonly ontoTree: string;
  readonly committer: string;
  readonly listed: readonly ReplayCommit[];
  /** Commit → tree, for every listed commit and every parent of one. */
  readonly known: ReadonlyMap<string, string>;
}

/**
 * The replay loop: per commit one `merge-tree`; every commit object (the copies, and the stand-in commit for each
 * merge) written by one long-running `hash-object --stdin-paths`. merge-tree (git 2.39, no --merge-base) merges
 * two commits over their merge base, so a stand-in commit (the replayed tree on the original parent) makes that
 * base the original parent: a cherry-pick.
 */
async function replayCommits(git: GitRunner, scratch: string, input: ReplayInput): Promise<TrialRebase> {
  const writer = git.openLinePipe(["hash-object", "-t", "commit", "-w", "--no-filters", "--stdin-paths"]);
  try {
    const trial = await replayWith(writer, scratch, input);
    await writer.close();
    return trial;
  } catch (error) {
    await writer.close().catch(() => undefined);
    throw error;
  }
}

async function replayWith(writer: GitLinePipe, scratch: string, input: ReplayInput): Promise<TrialRebase> {
  const git = input.git;
  let head = input.onto;
  let headTree = input.ontoTree;
  const conflicting: ConflictingCommit[] = [];
  const output: string[] = [];
  let written = 0;
  // Each object goes to a scratch file whose path the one hash-object process reads; its id is checked against
  // the id computed here, so a copy that git would store differently is an error, never a silent difference.
  const write = async (objects: readonly string[]): Promise<string[]> => {
    const ids: string[] = [];
    for (const object of objects) {
      const file = join(scratch, `commit-${written++}`);
      await writeFile(file, object, "utf8");
      const id = assertObjectId((await writer.request(file)).trim(), "written commit");
      const expected = hashObject(object, input.onto);
      if (id !== expected) throw new Error(`git hash-object wrote ${id} where ${expected} was expected`);
      ids.push(id);
    }
    return ids;
  };
  const first = input.listed[0];
  let standIn = first
    ? (await write([renderCommit(headTree, first.parent, input.committer, input.committer, "")]))[0]!
    : "";
  for (const [index, commit] of input.listed.entries()) {
    const startsEmpty = input.known.get(commit.parent) === commit.tree;
    let tree = headTree;
    if (!startsEmpty) {
      const merged = await git.runWithExit([
        "merge-tree",
        "--write-tree",
        "--name-only",
        "-z",
        "--no-messages",
        "--end-of-options",
        standIn,
        commit.sha,
      ]);
      const [mergedTree = "", ...files] = merged.stdout.split("\0");
      if (merged.code > 1 || !/^[0-9a-f]{40}([0-9a-f]{24})?$/.test(mergedTree)) {
        return failed(`git merge-tree failed on ${commit.sha.slice(0, 12)}: ${merged.stdout.trim()}`);
      }
      tree = mergedTree;
      if (merged.code === 1) {
        const paths = files.filter(Boolean);
        conflicting.push({ sha: commit.sha, subject: commit.subject, files: paths });
        output.push(`CONFLICT in ${commit.sha.slice(0, 12)} (${commit.subject}): ${paths.join(", ")}`);
      }
    }
    const next = input.listed[index + 1];
    const nextStandIn = (parentTree: string) =>
      next ? [renderCommit(parentTree, next.parent, input.committer, input.committer, "")] : [];
    if (!startsEmpty && tree === headTree) {
      // Became empty (its change is already in onto): git rebase drops it.
      output.push(`dropped ${commit.sha.slice(0, 12)} (${commit.subject}): its change is already in the target`);
      if (next) standIn = (await write(nextStandIn(headTree)))[0]!;
      continue;
    }
    const ids = await write([
      renderCommit(tree, head, commit.author, input.committer, commit.message),
      ...nextStandIn(tree),
    ]);
    head = ids[0]!;
    headTree = tree;
    if (next) standIn = ids[1]!;
  }
  if (conflicting.length > 0) {
    const conflicts = [...new Set(conflicting.flatMap((commit) => commit.files))];
    return {
      clean: false,
      newHead: null,
      conflicts,
      conflictingCommits: conflicting,
      stoppedAt: conflicting[0]!.sha,
      output: output.join("\n"),
    };
  }
  return {
    clean: true,
    newHead: head,
    conflicts: [],
    conflictingCommits: [],
    stoppedAt: null,
    output: output.join("\n"),
  };
}

function failed(output: string): TrialRebase {
  return { clean: false, newHead: null, conflicts: [], conflictingCommits: [], stoppedAt: null, output };
}
