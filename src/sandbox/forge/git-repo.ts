// One bare repository of the forge: every read and write of refs and objects, through createGitRunner.
import { mkdirSync } from "node:fs";
import { createGitRunner, type GitRunner } from "../../adapters/git/runner.ts";
import { assertSafeRefName } from "../../domain/names.ts";

export const ZERO_SHA = "0000000000000000000000000000000000000000";
const SHA = /^[0-9a-f]{40}$/;
const FULL_REF = /^refs\/(heads|tags)\/(.+)$/;

/** A ref as for-each-ref sees it; `commit` is the peeled commit (tags point at tag objects). */
export interface RefState {
  readonly sha: string;
  readonly type: string;
  readonly commit: string | null;
}

export interface CommitInfo {
  readonly sha: string;
  readonly tree: string;
  readonly author: { readonly name: string; readonly email: string; readonly date: string };
  readonly committer: { readonly name: string; readonly email: string; readonly date: string };
  readonly message: string;
  readonly parents: readonly string[];
  readonly added: string[];
  readonly removed: string[];
  readonly modified: string[];
}

export interface TagObject {
  readonly sha: string;
  readonly tag: string;
  readonly object: string;
  readonly objectType: string;
  readonly tagger: { readonly name: string; readonly email: string; readonly date: string };
  /** The message without any signature block. */
  readonly message: string;
  readonly signature: string | null;
  /** The signed payload: the tag object up to the signature. */
  readonly payload: string;
}

export type PathEntry =
  | { readonly type: "file"; readonly sha: string; readonly size: number; readonly text: string }
  | {
      readonly type: "dir";
      readonly entries: readonly { name: string; type: "file" | "dir"; sha: string; size: number }[];
    };

export type RefWriteResult = "ok" | "stale";

export interface GitRepo {
  readonly dir: string;
  /** Runs `fn` while holding the repository's lock (pushes and REST ref writes never interleave). */
  withLock<T>(fn: () => Promise<T>): Promise<T>;
  listRefs(): Promise<Map<string, RefState>>;
  objectType(sha: string): Promise<string | null>;
  /** The commit `ref` (a full `refs/heads|tags/…` name or a sha) points at after peeling, or null. */
  resolveCommit(ref: string): Promise<string | null>;
  /** Compare-and-swap: `old` is ZERO_SHA to create, `next` ZERO_SHA to delete. */
  writeRef(ref: string, next: string, old: string): Promise<RefWriteResult>;
  isAncestor(ancestor: string, descendant: string): Promise<boolean>;
  /** How many commits are reachable from `tip` and from none of `exclude`. */
  countCommits(tip: string, exclude: readonly string[]): Promise<number>;
  /** Commits reachable from `tip` and from none of `exclude`, oldest first, at most `limit`. */
  listCommits(tip: string, exclude: readonly string[], limit: number): Promise<CommitInfo[]>;
  readCommit(sha: string): Promise<CommitInfo | null>;
  readTag(sha: string): Promise<TagObject | null>;
  /** True when `git verify-tag` accepts the tag with the given GNUPGHOME / allowed-signers file. */
  verifyTag(sha: string, keys: TagKeys): Promise<boolean>;
  readPath(commit: string, path: string): Promise<PathEntry | null>;
  /** `git diff --numstat base...head`: what a pull request shows. */
  diffStat(base: string, head: string): Promise<{ additions: number; deletions: number; changedFiles: number }>;
}

export interface TagKeys {
  readonly gnupgHome?: string;
  readonly sshAllowedSigners?: string;
}

/**
 * Creates a bare repository at `dir` with `http.receivepack` on, so git http-backend accepts pushes, and filters
 * allowed, as on GitHub.
 */
export async function createBareRepo(dir: string, defaultBranch: string): Promise<GitRepo> {
  assertSafeRefName(defaultBranch, "default branch");
  mkdirSync(dir, { recursive: true });
  const git = createGitRunner(dir);
  await git.run(["init", "--quiet", "--bare", `--initial-branch=${defaultBranch}`]);
  await git.run(["config", "http.receivepack", "true"]);
  // GitHub serves partial clones; without these the app's blobless fetches would silently fetch everything.
  await git.run(["config", "uploadpack.allowFilter", "true"]);
  await git.run(["config", "uploadpack.allowAnySHA1InWant", "true"]);
  return openGitRepo(dir, git);
}

/** Refuses anything but `refs/heads/<safe>` and `refs/tags/<safe>`, or a full sha. */
function assertGitTarget(ref: string): string {
  if (SHA.test(ref)) return ref;
  const match = FULL_REF.exec(ref);
  if (!match) throw new Error(`forge: ${JSON.stringify(ref)} is neither a sha nor refs/heads|tags/<name>`);
  assertSafeRefName(match[2]!, match[1] === "heads" ? "branch" : "tag");
  return ref;
}

function assertSha(sha: string): string {
  if (!SHA.test(sha)) throw new Error(`forge: ${JSON.stringify(sha)} is not a full sha`);
  return sha;
}

function openGitRepo(dir: string, git: GitRunner): GitRepo {
  let queue: Promise<unknown> = Promise.resolve();
  const repo: GitRepo = {
    dir,
    withLock(fn) {
      const run = queue.then(fn, fn);
      queue = run.catch(() => undefined);
      return run;
    },
    async listRefs() {
      const out = await git.run([
        "for-each-ref",
        "--format=%(refname)%00%(objectname)%00%(objecttype)%00%(*objectname)",
      ]);
      const refs = new Map<string, RefState>();
      for (const line of out.split("\n")) {
        if (!line) continue;
        const [name, sha, type, peeled] = line.split("\0");
        refs.set(name!, { sha: sha!, type: type!, commit: type === "commit" ? sha! : peeled || null });
      }
      return refs;
    },
    async objectType(sha) {
      return (await git.tryRun(["cat-file", "-t", "--end-of-options", assertSha(sha)]))?.trim() || null;
    },
    async resolveCommit(ref) {
      return (
        (
          await git.tryRun(["rev-parse", "--verify", "--quiet", "--end-of-options", `${assertGitTarget(ref)}^{commit}`])
        )?.trim() || null
      );
    },
    async writeRef(ref, next, old) {
      const args =
        next === ZERO_SHA
          ? ["update-ref", "-d", "--end-of-options", assertGitTarget(ref), assertSha(old)]
          : ["update-ref", "-m", "forge", "--end-of-options", assertGitTarget(ref), assertSha(next), assertSha(old)];
      return (await git.tryRun(args)) === null ? "stale" : "ok";
    },
    async isAncestor(ancestor, descendant) {
      // The answer is the exit code alone: the runner reports any non-zero exit as a failure (tryRun's null).
      return (
        (await git.tryRun([
          "merge-base",
          "--is-ancestor",
          "--end-of-options",
          assertSha(ancestor),
          assertSha(descendant),
        ])) !== null
      );
    },
    async countCommits(tip, exclude) {
      const revs = [assertSha(tip), ...exclude.map((sha) => `^${assertSha(sha)}`)];
      return Number((await git.run(["rev-list", "--count", "--end-of-options", ...revs])).trim());
    },
    async listCommits(tip, exclude, limit) {
      const revs = [assertSha(tip), ...exclude.map((sha) => `^${assertSha(sha)}`)];
      return parseLog(
        await git.run(["log", "--reverse", `--max-count=${limit}`, ...LOG_FORMAT, "--end-of-options", ...revs]),
      );
    },
    async readCommit(sha) {
      const out = await git.tryRun(["log", "--max-count=1", ...LOG_FORMAT, "--end-of-options", assertSha(sha)]);
      return out === null ? null : (parseLog(out)[0] ?? null);
    },
    async readTag(sha) {
      if ((await repo.objectType(sha)) !== "tag") return null;
      return parseTag(sha, await git.run(["cat-file", "tag", "--end-of-options", sha]));
    },
    async verifyTag(sha, keys) {
      const config = keys.sshAllowedSigners ? ["-c", `gpg.ssh.allowedSignersFile=${keys.sshAllowedSigners}`] : [];
      const env: Record<string, string> = keys.gnupgHome ? { GNUPGHOME: keys.gnupgHome } : {};
      const verifier = createGitRunner(dir, { env });
      return (await verifier.tryRun([...config, "verify-tag", "--end-of-options", assertSha(sha)])) !== null;
    },
    async readPath(commit, path) {
      const spec = `${assertSha(commit)}:${path}`;
      const type = (await git.tryRun(["cat-file", "-t", "--end-of-options", spec]))?.trim();
      if (type === "blob") {
        const sha = (await git.run(["rev-parse", "--verify", "--end-of-options", spec])).trim();
        const size = Number((await git.run(["cat-file", "-s", "--end-of-options", sha])).trim());
        return { type: "file", sha, size, text: await git.run(["cat-file", "blob", "--end-of-options", sha]) };
      }
      if (type === "tree") {
        const out = await git.run(["ls-tree", "-z", "--long", "--end-of-options", spec]);
        const entries = out
          .split("\0")
          .filter(Boolean)
          .map((line) => {
            const [meta, name] = line.split("\t") as [string, string];
            const [, kind, sha, size] = meta.split(/\s+/) as [string, string, string, string];
            return { name, type: kind === "tree" ? ("dir" as const) : ("file" as const), sha, size: Number(size) || 0 };
          });
        return { type: "dir", entries };
      }
      return null;
    },
    async diffStat(base, head) {
      const out = await git.run([
        "diff",
        "--numstat",
        "--no-renames",
        "--end-of-options",
        `${assertSha(base)}...${assertSha(head)}`,
      ]);
      let additions = 0;
      let deletions = 0;
      let changedFiles = 0;
      for (const line of out.split("\n")) {
        if (!line) continue;
        const [added, deleted] = line.split("\t");
        additions += Number(added) || 0; // binary files show "-"
        deletions += Number(deleted) || 0;
        changedFiles += 1;
      }
      return { additions, deletions, changedFiles };
    },
  };
  return repo;
}

const LOG_FORMAT = [
  "--no-renames",
  "--name-status",
  "-z",
  "--format=%x1e%H%x00%T%x00%an%x00%ae%x00%aI%x00%cn%x00%ce%x00%cI%x00%P%x00%B%x00",
];

function parseLog(out: string): CommitInfo[] {
  return out
    .split("\x1e")
    .filter((record) => record.length > 0)
    .map((record) => {
      const fields = record.split("\0");
      const [sha, tree, an, ae, ad, cn, ce, cd, parents, message] = fields;
      const commit: CommitInfo = {
        sha: sha!,
        tree: tree!,
        author: { name: an!, email: ae!, date: ad! },
        committer: { name: cn!, email: ce!, date: cd! },
        parents: parents ? parents.split(" ") : [],
        message: message!.replace(/\n+$/, ""),
        added: [],
        removed: [],
        modified: [],
      };
      const changes = fields
        .slice(10)
        .map((token) => token.replace(/^\n/, ""))
        .filter(Boolean);
      for (let i = 0; i + 1 < changes.length; i += 2) {
        const list = changes[i] === "A" ? commit.added : changes[i] === "D" ? commit.removed : commit.modified;
        list.push(changes[i + 1]!);
      }
      return commit;
    });
}

const SIGNATURE = /-----BEGIN (PGP|SSH) SIGNATURE-----[\s\S]*$/;

function parseTag(sha: string, raw: string): TagObject {
  const split = raw.indexOf("\n\n");
  const head = split < 0 ? raw : raw.slice(0, split);
  const body = split < 0 ? "" : raw.slice(split + 2);
  const header = new Map(
    head.split("\n").map((line) => [line.slice(0, line.indexOf(" ")), line.slice(line.indexOf(" ") + 1)]),
  );
  const tagger = /^(.*) <(.*)> (\d+) ([+-]\d{4})$/.exec(header.get("tagger") ?? "");
  const signature = SIGNATURE.exec(body)?.[0] ?? null;
  const message = signature ? body.slice(0, body.length - signature.length) : body;
  return {
    sha,
    tag: header.get("tag") ?? "",
    object: header.get("object") ?? "",
    objectType: header.get("type") ?? "",
    tagger: {
      name: tagger?.[1] ?? "",
      email: tagger?.[2] ?? "",
      date: tagger ? new Date(Number(tagger[3]) * 1000).toISOString().replace(/\.\d{3}Z$/, "Z") : "",
    },
    message,
    signature,
    payload: signature ? raw.slice(0, raw.length - signature.length) : raw,
  };
}
