// `merge-window request-pull TAG` equals `git request-pull BASE URL tags/TAG` byte for byte, with the base chosen
// the way maintainers do: the stable branch's upstream base for the window PR, the previous PR tag for a fixes PR.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { buildGitEnv } from "../../src/adapters/git/runner.ts";
import { addBareRemote, PAUL } from "../fixtures/kernel-repo.ts";
import { createGpgKey, stopGpgAgent, type GpgKey } from "../fixtures/keys.ts";
import { buildWorld, createTempDir, git, removeDir, runCli, writeRepoFile } from "./cli-world.ts";

const AT = "2024-04-01T12:00:00Z";
const WINDOW_TAG = "selinux-pr-20240312";
const FIXES_TAG = "selinux-pr-20240327";

/** `git request-pull` as a maintainer runs it: not on a terminal, no COLUMNS, English messages. */
function gitRequestPull(dir: string, base: string, url: string, tag: string): string {
  const env = buildGitEnv({ LC_ALL: "C" });
  delete env.COLUMNS;
  const result = spawnSync("git", ["request-pull", base, url, `tags/${tag}`], { cwd: dir, env, encoding: "utf8" });
  assert.equal(result.status, 0, result.stderr);
  return result.stdout;
}

describe("request-pull", () => {
  let dir: string;
  let key: GpgKey;
  let repo: string;
  let origin: string;
  let env: Record<string, string>;

  before(() => {
    dir = createTempDir("request-pull");
    key = createGpgKey(join(dir, "keys"), { name: PAUL.name, email: PAUL.email });
    const { subsystem } = buildWorld(dir, { from: "v6.7", to: "v6.9-rc2" }, [
      { kind: "branch", name: "next", from: "v6.8-rc1" },
      {
        kind: "patches",
        branch: "next",
        patches: [
          {
            subject: "selinux: reduce the object class calculations at inode init time",
            date: "2024-01-25 17:55:45 -0500",
          },
          { subject: "selinux: fix style issues in security/selinux/ss/avtab.c", date: "2024-02-20 17:00:00 -0500" },
        ],
      },
      { kind: "branch", name: "stable-6.9", from: "next" },
      {
        kind: "tag",
        name: WINDOW_TAG,
        at: "stable-6.9",
        date: "2024-03-12 19:02:11 -0400",
        message: "selinux/stable-6.9 PR 20240312",
        signedBy: key,
      },
      {
        kind: "patches",
        branch: "stable-6.9",
        patches: [{ subject: "selinux: fix a leak of the policy capability table", date: "2024-03-26 10:11:12 -0400" }],
      },
      {
        kind: "tag",
        name: FIXES_TAG,
        at: "stable-6.9",
        date: "2024-03-27 16:30:00 -0400",
        message: "selinux/stable-6.9 PR 20240327",
        signedBy: key,
      },
    ]);
    repo = subsystem.dir;
    origin = addBareRemote(repo, join(dir, "selinux.git"));
    env = { GNUPGHOME: key.gnupgHome };
    writeRepoFile(
      repo,
      ".github/merge-window.yml",
      `subsystem: selinux\nsigning:\n  allowedSigners: ["${key.fingerprint}"]\n`,
    );
  });
  after(() => {
    stopGpgAgent(key);
    removeDir(dir);
  });

  it("the window PR: base is the tag stable-6.9 was built on; URL from origin; equals git request-pull", async () => {
    const result = await runCli(["request-pull", WINDOW_TAG, "--repo", repo, "--at", AT], { env });
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stderr, "");
    assert.equal(result.stdout, gitRequestPull(repo, "v6.8-rc1", origin, WINDOW_TAG));
    assert.match(result.stdout, /^  Linux 6\.8-rc1 \(/m);
  });

  it("a follow-up fixes PR: base is the previous valid tag on the same branch", async () => {
    const result = await runCli(["request-pull", FIXES_TAG, "--repo", repo, "--at", AT], { env });
    assert.equal(result.code, 0, result.stderr);
    const expected = gitRequestPull(repo, WINDOW_TAG, origin, FIXES_TAG);
    assert.equal(result.stdout, expected);
    // only the fix: the window PR's commits were sent already
    assert.match(result.stdout, /^      selinux: fix a leak of the policy capability table$/m);
    assert.doesNotMatch(result.stdout, /inode init time/);
  });

  it("--base and --url override; --style wrapped splits the URL line; --no-verify-url stays offline", async () => {
    const url = "https://git.kernel.org/pub/scm/linux/kernel/git/pcmoore/selinux.git";
    const result = await runCli(
      ["request-pull", FIXES_TAG, "--repo", repo, "--base", "v6.8-rc1", "--url", url, "--no-verify-url"],
      { env },
    );
    assert.equal(result.code, 0, result.stderr);
    // git request-pull checks that the URL has the tag; the local origin does, so compare on it and swap the URL line.
    const expected = gitRequestPull(repo, "v6.8-rc1", origin, FIXES_TAG).replace(`  ${origin} tags/`, `  ${url} tags/`);
    assert.equal(result.stdout, expected);
    const wrapped = await runCli(
      [
        "request-pull",
        FIXES_TAG,
        "--repo",
        repo,
        "--base",
        "v6.8-rc1",
        "--url",
        url,
        "--style",
        "wrapped",
        "--no-verify-url",
      ],
      { env },
    );
    assert.match(wrapped.stdout, new RegExp(`^  ${url}\\n    tags/${FIXES_TAG}$`, "m"));
  });

  it("no origin remote and no --url: exit 2 asking for --url; an unknown tag: exit 2 naming it", async () => {
    git(repo, ["remote", "rename", "origin", "github"]);
    try {
      const result = await runCli(["request-pull", FIXES_TAG, "--repo", repo, "--at", AT], { env });
      assert.equal(result.code, 2);
      assert.match(result.stderr, /^merge-window request-pull: [^\n]* has no origin remote [^\n]*give --url URL\n$/);
    } finally {
      git(repo, ["remote", "rename", "github", "origin"]);
    }
    const unknown = await runCli(["request-pull", "selinux-pr-20240401", "--repo", repo, "--at", AT], { env });
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /^merge-window request-pull: tag selinux-pr-20240401 does not exist in [^\n]+\n$/);
  });
});
