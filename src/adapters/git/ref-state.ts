// What a repository's refs look like right now, as one digest: GitHub's (one `git ls-remote`, no REST request
// and no fetch) and a local mirror's (one `for-each-ref`). Equal digests: a fetch would bring nothing.
import { createHash } from "node:crypto";
import { createGitRunner } from "./runner.ts";

export interface RemoteRefState {
  /** A digest of HEAD (and what it points to), every branch and every tag, peeled. */
  readonly digest: string;
  /** `refs/heads/main <sha>`: the default branch and its commit, what a config read depends on. */
  readonly head: string | null;
}

function digestOf(lines: readonly string[]): string {
  return createHash("sha256")
    .update([...lines].sort().join("\n"))
    .digest("hex");
}

/**
 * `git ls-remote --symref` of `remote` in `dir` (whose config carries the credentials), limited to HEAD, branches
 * and tags: GitHub's pull request refs move with every contributor's push and are nothing a run reads.
 */
export async function readRemoteRefState(dir: string, remote = "origin"): Promise<RemoteRefState> {
  const out = await createGitRunner(dir).run([
    "ls-remote",
    "--symref",
    "--end-of-options",
    remote,
    "HEAD",
    "refs/heads/*",
    "refs/tags/*",
  ]);
  const lines = out.split("\n").filter((line) => /\t(HEAD|refs\/heads\/\S+|refs\/tags\/\S+)$/.test(line));
  const target = /^ref: (refs\/heads\/\S+)\tHEAD$/m.exec(out)?.[1];
  const sha = /^([0-9a-f]{40,64})\tHEAD$/m.exec(out)?.[1];
  return { digest: digestOf(lines), head: target && sha ? `${target} ${sha}` : null };
}

/** A digest of a local mirror's refs under `prefixes` (the shared upstream mirror's tags and main branch). */
export async function readLocalRefDigest(dir: string, prefixes: readonly string[]): Promise<string> {
  const out = await createGitRunner(dir).run([
    "for-each-ref",
    "--format=%(objectname) %(refname)",
    "--end-of-options",
    ...prefixes,
  ]);
  return digestOf(out.split("\n").filter(Boolean));
}
