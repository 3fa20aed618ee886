// The scripted maintainer: a local repository that fetches from the forge and upstream, applies patches by
// several authors at the replay's instants, signs tags with a throwaway key, pushes over HTTP with its own
// credentials, and comments through the REST API with its own token.
import { Octokit } from "@octokit/rest";
import { assertSafeRefName } from "../domain/names.ts";
import { openScriptedRepo, type ScriptedRepo } from "./scenario-git.ts";
import type { SigningKey } from "./scenario-keys.ts";
import { addSeconds, type GitTime, type Person } from "./scenario-time.ts";
import { renderSourceFile } from "./scenario-tree.ts";

/** One patch: its subject, author, and the file it adds a line to. */
export interface PatchSpec {
  readonly subject: string;
  readonly author: Person;
  readonly file: string;
  /** A `Fixes:` trailer, or anything else for the message body. */
  readonly body?: string;
}

export interface MaintainerOptions {
  readonly dir: string;
  readonly person: Person;
  readonly login: string;
  readonly token: string;
  /** The forge's REST base URL and the repository's clone URL (no credentials in it). */
  readonly apiUrl: string;
  readonly cloneUrl: string;
  readonly owner: string;
  readonly repo: string;
  readonly upstreamDir: string;
  readonly key: SigningKey;
}

export interface Maintainer {
  readonly login: string;
  readonly person: Person;
  readonly key: SigningKey;
  readonly repo: ScriptedRepo;
  readonly rest: Octokit;
  /** Fetches the forge's branches and tags (as `refs/remotes/origin/*` and tags) and upstream's tags and master. */
  sync(): Promise<void>;
  /**
   * Commits `patches` one after the other on the forge's `branch` (or on `from` when it is new), an hour apart from
   * `at` (authored a day earlier), and returns the new tip; pushes unless `push: false`.
   */
  commitPatches(
    branch: string,
    patches: readonly PatchSpec[],
    at: GitTime,
    options?: { from?: string; push?: boolean },
  ): Promise<string>;
  /** `git push origin <sha>:refs/heads/<branch>` (a fast-forward; never forced). */
  pushBranch(branch: string, sha: string): Promise<void>;
  /**
   * Tags `target` (a branch of the forge or a commit id) and returns the tag object id; signed unless `signed: false`.
   */
  tag(input: { name: string; target: string; at: GitTime; message: string; signed?: boolean }): Promise<string>;
  /** Pushes tags in one `git push` (more than three at once: GitHub sends no webhook for them). */
  pushTags(names: readonly string[]): Promise<void>;
  /** Posts a comment as the maintainer. */
  comment(issue: number, body: string): Promise<void>;
}

/** A REST client for a scripted user of the forge (quiet, no retries). */
export function createUserClient(apiUrl: string, token: string): Octokit {
  return new Octokit({
    baseUrl: apiUrl,
    auth: token,
    log: { debug() {}, info() {}, warn() {}, error() {} },
    request: { retries: 0 },
  });
}

export async function createMaintainer(options: MaintainerOptions): Promise<Maintainer> {
  const repo = await openScriptedRepo(options.dir, { init: "bare" });
  const { git } = repo;
  await git.run(["remote", "add", "--", "origin", options.cloneUrl]);
  await git.run(["remote", "add", "--", "upstream", options.upstreamDir]);
  // The token goes in a header (as the app does it), never into the URL where credential helpers would keep it.
  const basic = Buffer.from(`${options.login}:${options.token}`).toString("base64");
  await git.run(["config", "--local", "http.extraHeader", `Authorization: Basic ${basic}`]);
  const rest = createUserClient(options.apiUrl, options.token);

  const tipOf = async (branch: string) => repo.resolve(`refs/remotes/origin/${assertSafeRefName(branch, "branch")}`);
  const maintainer: Maintainer = {
    login: options.login,
    person: options.person,
    key: options.key,
    repo,
    rest,
    async sync() {
      // No --prune: a tag made here and not pushed yet must survive the next fetch. No --quiet either: simple-git
      // waits 50 ms after a git that prints nothing, and fetch prints what it updated.
      await git.run([
        "fetch",
        "--no-tags",
        "--end-of-options",
        "origin",
        "+refs/heads/*:refs/remotes/origin/*",
        "+refs/tags/*:refs/tags/*",
      ]);
      await git.run([
        "fetch",
        "--no-tags",
        "--end-of-options",
        "upstream",
        "+refs/heads/master:refs/remotes/upstream/master",
        "+refs/tags/v*:refs/tags/v*",
      ]);
    },
    async commitPatches(branch, patches, at, commitOptions = {}) {
      await maintainer.sync();
      const start = (await tipOf(branch)) ?? (commitOptions.from ? await repo.resolve(commitOptions.from) : null);
      if (!start) throw new Error(`maintainer: no branch ${branch} on the forge and no starting point given`);
      let tip = start;
      for (const [i, patch] of patches.entries()) {
        const when = addSeconds(at, i * 3600);
        const current = (await repo.readFile(tip, patch.file)) ?? renderSourceFile(patch.file);
        const trailers = [patch.author, ...(patch.author.email === options.person.email ? [] : [options.person])].map(
          (p) => `Signed-off-by: ${p.name} <${p.email}>`,
        );
        tip = await repo.commit({
          parents: [tip],
          files: { [patch.file]: `${current}/* ${patch.subject} */\n` },
          author: patch.author,
          committer: options.person,
          authoredAt: addSeconds(when, -86400),
          at: when,
          message: [patch.subject, "", ...(patch.body ? [patch.body, ""] : []), ...trailers].join("\n"),
        });
      }
      if (commitOptions.push ?? true) await maintainer.pushBranch(branch, tip);
      return tip;
    },
    async pushBranch(branch, sha) {
      await git.run(["push", "--end-of-options", "origin", `${sha}:refs/heads/${assertSafeRefName(branch, "branch")}`]);
    },
    async tag(input) {
      await maintainer.sync();
      const target = /^[0-9a-f]{40}$/.test(input.target) ? input.target : await tipOf(input.target);
      if (!target) throw new Error(`maintainer: nothing named ${input.target} to tag`);
      return repo.tag({
        name: input.name,
        target,
        tagger: options.person,
        at: input.at,
        message: input.message,
        ...(input.signed === false ? {} : { signWith: options.key }),
      });
    },
    async pushTags(names) {
      const refspecs = names.map((name) => `refs/tags/${assertSafeRefName(name, "tag")}:refs/tags/${name}`);
      await git.run(["push", "--atomic", "--end-of-options", "origin", ...refspecs]);
    },
    async comment(issue, body) {
      await rest.request("POST /repos/{owner}/{repo}/issues/{issue_number}/comments", {
        owner: options.owner,
        repo: options.repo,
        issue_number: issue,
        body,
      });
    },
  };
  return maintainer;
}
