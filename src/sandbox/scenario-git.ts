// Scripted git for the sandbox's people (Linus, the maintainer): commits and tags written as objects with the
// instants the replay says (git takes committer and tagger dates only from GIT_* variables, which the runner
// filters), through createGitRunner like every other git process of src/.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createGitRunner, type GitRunner } from "../adapters/git/runner.ts";
import { InputError } from "../domain/errors.ts";
import { assertSafeRefName } from "../domain/names.ts";
import { signPayload, type SigningKey } from "./scenario-keys.ts";
import type { GitTime, Person } from "./scenario-time.ts";

const SHA = /^[0-9a-f]{40}$/;
const PATH = /^[A-Za-z0-9_.+-]+(?:\/[A-Za-z0-9_.+-]+)*$/;

/** A file's new content, or null to delete it. */
export type FileEdits = Readonly<Record<string, string | null>>;

export interface CommitInput {
  readonly parents: readonly string[];
  /** Edits on top of the first parent's tree (an empty tree for a root commit). */
  readonly files: FileEdits;
  /** A tree to use as is (a merge's), instead of `files`. */
  readonly tree?: string;
  readonly author: Person;
  readonly committer?: Person;
  /** Committer date, and author date unless `authoredAt` is given. */
  readonly at: GitTime;
  readonly authoredAt?: GitTime;
  readonly message: string;
}

export interface TagInput {
  readonly name: string;
  readonly target: string;
  readonly tagger: Person;
  readonly at: GitTime;
  readonly message: string;
  /** Signs the tag object (GPG at the tagger instant, or SSH); unsigned when absent. */
  readonly signWith?: SigningKey;
}

export interface ScriptedRepo {
  readonly dir: string;
  readonly git: GitRunner;
  /** Writes a commit object and returns its id; moves no ref. */
  commit(input: CommitInput): Promise<string>;
  /** Writes an annotated (optionally signed) tag object and points `refs/tags/<name>` at it; returns its id. */
  tag(input: TagInput): Promise<string>;
  /** `refs/heads/x` or `refs/tags/x` → `sha`, compare-and-swap when `old` is given. */
  setRef(ref: string, sha: string, old?: string): Promise<void>;
  /** The commit (or tag object, with `peel: false`) a ref or id names; null when there is none. */
  resolve(rev: string, peel?: boolean): Promise<string | null>;
  /** The text of `path` at `commit`, or null. */
  readFile(commit: string, path: string): Promise<string | null>;
  /** The tree of a clean merge of two commits (`git merge-tree --write-tree`); throws on conflicts. */
  mergeTree(ours: string, theirs: string): Promise<string>;
}

function ident(person: Person, at: GitTime): string {
  if (/[<>\n]/.test(person.name) || /[<>\n]/.test(person.email))
    throw new InputError("bad-identity", `identity ${JSON.stringify(person)} has <, > or a newline`);
  return `${person.name} <${person.email}> ${at.epoch} ${at.tz}`;
}

function assertSha(sha: string, what: string): string {
  if (!SHA.test(sha)) throw new InputError("bad-sha", `${what} ${JSON.stringify(sha)} is not a full object id`);
  return sha;
}

/**
 * The text of an annotated tag object of a commit, exactly as git writes it: what a signature covers (git appends the
 * armored signature to it to make a signed tag).
 */
export function renderTagPayload(input: {
  readonly target: string;
  readonly name: string;
  readonly tagger: Person;
  readonly at: GitTime;
  readonly message: string;
}): string {
  return (
    `object ${assertSha(input.target, "tag target")}\ntype commit\ntag ${input.name}\n` +
    `tagger ${ident(input.tagger, input.at)}\n\n${input.message.replace(/\n*$/, "\n")}`
  );
}

/** `refs/heads/<safe>`, `refs/tags/<safe>` or `refs/remotes/<remote>/<safe>`. */
export function assertFullRef(ref: string): string {
  const match = /^refs\/(heads|tags|remotes\/[a-z]+)\/(.+)$/.exec(ref);
  if (!match)
    throw new InputError(
      "bad-ref",
      `${JSON.stringify(ref)} is not refs/heads/<name>, refs/tags/<name> or refs/remotes/<remote>/<name>`,
    );
  assertSafeRefName(match[2]!, match[1] === "tags" ? "tag" : "branch");
  return ref;
}

/** Opens (`init: "bare"` creates) a repository for scripted commits; a bare repository's index is scratch space. */
export async function openScriptedRepo(
  dir: string,
  options: { init?: "bare"; initialBranch?: string; env?: Record<string, string> } = {},
): Promise<ScriptedRepo> {
  mkdirSync(dir, { recursive: true });
  const git = createGitRunner(dir, options.env ? { env: options.env } : {});
  if (options.init === "bare")
    await git.run([
      "init",
      "--quiet",
      "--bare",
      `--initial-branch=${assertSafeRefName(options.initialBranch ?? "main", "branch")}`,
    ]);
  const scratch = () => mkdtempSync(join(tmpdir(), "mw-scripted-"));

  async function writeObject(type: "commit" | "tag", text: string): Promise<string> {
    const temp = scratch();
    try {
      writeFileSync(join(temp, "object"), text);
      return (await git.run(["hash-object", "-t", type, "-w", "--", join(temp, "object")])).trim();
    } finally {
      rmSync(temp, { recursive: true, force: true });
    }
  }

  // The scratch index holds the tree of the last commit written: a chain of commits skips `read-tree`.
  let indexHolds: string | null = null;

  async function writeTree(base: string | null, files: FileEdits): Promise<string> {
    const baseTree = base
      ? (await git.run(["rev-parse", "--verify", "--end-of-options", `${base}^{tree}`])).trim()
      : "empty";
    if (indexHolds !== baseTree)
      await git.run(base ? ["read-tree", "--end-of-options", baseTree] : ["read-tree", "--empty"]);
    const entries = Object.entries(files);
    const written = entries.filter((entry): entry is [string, string] => entry[1] !== null);
    const temp = scratch();
    try {
      const paths = written.map(([path, content], i) => {
        if (!PATH.test(path)) throw new InputError("bad-path", `file path ${JSON.stringify(path)} refused`);
        const file = join(temp, String(i));
        writeFileSync(file, content);
        return file;
      });
      const blobs = paths.length > 0 ? (await git.run(["hash-object", "-w", "--", ...paths])).trim().split("\n") : [];
      const cacheinfo = written.flatMap(([path], i) => ["--cacheinfo", `100644,${blobs[i]},${path}`]);
      // --verbose: simple-git waits 50 ms after a git that prints nothing.
      if (cacheinfo.length > 0) await git.run(["update-index", "--verbose", "--add", ...cacheinfo]);
    } finally {
      rmSync(temp, { recursive: true, force: true });
    }
    const removed = entries.filter(([, content]) => content === null).map(([path]) => path);
    if (removed.length > 0) await git.run(["update-index", "--verbose", "--force-remove", "--", ...removed]);
    indexHolds = (await git.run(["write-tree"])).trim();
    return indexHolds;
  }

  const repo: ScriptedRepo = {
    dir,
    git,
    async commit(input) {
      const parents = input.parents.map((parent) => assertSha(parent, "parent"));
      const tree = input.tree ? assertSha(input.tree, "tree") : await writeTree(parents[0] ?? null, input.files);
      const message = input.message.replace(/\n*$/, "\n");
      const text = [
        `tree ${tree}`,
        ...parents.map((parent) => `parent ${parent}`),
        `author ${ident(input.author, input.authoredAt ?? input.at)}`,
        `committer ${ident(input.committer ?? input.author, input.at)}`,
        "",
        message,
      ].join("\n");
      return writeObject("commit", text);
    },
    async tag(input) {
      const name = assertSafeRefName(input.name, "tag");
      const payload = renderTagPayload({ ...input, name });
      const signature = input.signWith
        ? signPayload(input.signWith, payload, { at: new Date(input.at.epoch * 1000) })
        : "";
      const sha = await writeObject("tag", payload + signature);
      await repo.setRef(`refs/tags/${name}`, sha);
      return sha;
    },
    async setRef(ref, sha, old) {
      await git.run([
        "update-ref",
        "-m",
        "scripted",
        "--end-of-options",
        assertFullRef(ref),
        assertSha(sha, "new value"),
        ...(old ? [assertSha(old, "old value")] : []),
      ]);
    },
    async resolve(rev, peel = true) {
      const name = SHA.test(rev) ? rev : assertFullRef(rev);
      return (
        (
          await git.tryRun(["rev-parse", "--verify", "--quiet", "--end-of-options", peel ? `${name}^{commit}` : name])
        )?.trim() || null
      );
    },
    async readFile(commit, path) {
      if (!PATH.test(path)) throw new InputError("bad-path", `file path ${JSON.stringify(path)} refused`);
      return git.tryRun(["cat-file", "blob", "--end-of-options", `${assertSha(commit, "commit")}:${path}`]);
    },
    async mergeTree(ours, theirs) {
      const out = await git.tryRun([
        "merge-tree",
        "--write-tree",
        "--no-messages",
        "--end-of-options",
        assertSha(ours, "ours"),
        assertSha(theirs, "theirs"),
      ]);
      if (out === null) throw new Error(`merging ${theirs.slice(0, 12)} into ${ours.slice(0, 12)} conflicts`);
      return out.split("\n")[0]!.trim();
    },
  };
  return repo;
}
