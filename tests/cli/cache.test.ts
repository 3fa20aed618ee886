// `--cache DIR`: what status, advise-rebase and tag-name fetch from upstream goes to a cache repository borrowing
// the clone's objects; the clone gets no ref and no object of ours. Without it, the documented refs/merge-window/.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { buildGitEnv } from "../../src/adapters/git/runner.ts";
import { buildWorld, createTempDir, git, parseJson, removeDir, runCli } from "./cli-world.ts";

describe("--cache DIR keeps the clone untouched", () => {
  let dir: string;
  let repo: string;
  let linux: string;
  /** The commit of a v6.9-rc1 that only the upstream repository has. */
  let rc1: string;
  before(() => {
    dir = createTempDir("cache");
    const world = buildWorld(dir, { from: "v6.7", to: "v6.8" }, [
      { kind: "branch", name: "next", from: "v6.8-rc1" },
      { kind: "patches", branch: "next", patches: [{ subject: "selinux: one" }, { subject: "selinux: two" }] },
    ]);
    repo = world.subsystem.dir;
    linux = world.upstream.dir;
    rc1 = git(linux, ["commit-tree", "-p", "refs/heads/master", "-m", "Linux 6.9-rc1", "refs/heads/master^{tree}"]);
    git(linux, ["update-ref", "refs/heads/master", rc1]);
    git(linux, ["tag", "-a", "-m", "Linux 6.9-rc1", "v6.9-rc1", rc1]);
  });
  after(() => removeDir(dir));

  const refsOf = (at: string) => git(at, ["for-each-ref", "--format=%(refname) %(objectname)"]);
  const has = (at: string, sha: string) => {
    try {
      execFileSync("git", ["cat-file", "-e", `${sha}^{commit}`], { cwd: at, env: buildGitEnv(), stdio: "ignore" });
      return true;
    } catch {
      return false;
    }
  };

  it("status, advise-rebase, tag-name --cache: upstream's new tag seen, the clone gets no ref or object", async () => {
    const before = refsOf(repo);
    const cache = join(dir, "cache.git");
    const status = await runCli(["status", "--repo", repo, "--subsystem", "selinux", "--cache", cache, "--json"]);
    assert.equal(status.code, 0, status.stderr);
    assert.equal(parseJson(status).upstream.latest, "v6.9-rc1");
    assert.equal(parseJson(status).next.ahead, 2, "the clone's next, read through the cache");
    assert.equal(refsOf(repo), before, "no ref of ours in the clone");
    assert.equal(git(repo, ["for-each-ref", "refs/merge-window"]), "");
    assert.equal(has(repo, rc1), false, "upstream's new commit is not in the clone");
    assert.equal(has(cache, rc1), true);
    assert.match(git(cache, ["for-each-ref", "refs/merge-window/upstream/tags/v6.9-rc1"]), /v6\.9-rc1$/);

    const again = await runCli([
      "advise-rebase",
      "--repo",
      repo,
      "--subsystem",
      "selinux",
      "--cache",
      cache,
      "--onto",
      "v6.9-rc1",
      "--json",
    ]);
    assert.equal(again.code, 0, again.stderr);
    assert.deepEqual(
      [parseJson(again).branch, parseJson(again).onto, parseJson(again).trial?.clean],
      ["next", "v6.9-rc1", true],
    );
    const name = await runCli(["tag-name", "--repo", repo, "--subsystem", "selinux", "--cache", cache, "--json"]);
    assert.ok(name.code === 0 || name.code === 1, name.stderr);
    assert.equal(refsOf(repo), before, "still no ref of ours in the clone");
    assert.equal(git(repo, ["worktree", "list"]).split("\n").length, 1);
  });

  it("without --cache the copies go to the documented refs/merge-window/upstream/, listed in --help", async () => {
    const help = await runCli(["--help"]);
    assert.match(help.stdout, /refs\/merge-window\/upstream\/tags\/\* and refs\/merge-window\/upstream\/heads\/\*/);
    assert.match(help.stdout, /--cache DIR write them in DIR instead/);
    assert.match((await runCli(["status", "--help"])).stdout, /--cache DIR/);
    const result = await runCli(["status", "--repo", repo, "--subsystem", "selinux", "--json"]);
    assert.equal(result.code, 0, result.stderr);
    const ours = git(repo, ["for-each-ref", "--format=%(refname)", "refs/merge-window"]).split("\n");
    assert.ok(ours.includes("refs/merge-window/upstream/tags/v6.9-rc1"), ours.join(" "));
    assert.ok(
      ours.every((ref) => ref.startsWith("refs/merge-window/upstream/")),
      ours.join(" "),
    );
  });

  it("refuses a file, a directory that is no cache, and the cache of another clone, naming DIR (exit 2)", async () => {
    const file = join(dir, "a-file");
    writeFileSync(file, "x");
    const notCache = join(dir, "full");
    mkdirSync(notCache);
    writeFileSync(join(notCache, "README"), "mine");
    const other = buildWorld(join(dir, "other"), { from: "v6.7", to: "v6.8-rc1" }, []).subsystem.dir;
    const otherCache = join(dir, "other-cache.git");
    assert.equal((await runCli(["status", "--repo", other, "--subsystem", "selinux", "--cache", otherCache])).code, 0);
    for (const [cache, reason] of [
      [file, /not a directory/],
      [notCache, /a non-empty directory that is no merge-window cache/],
      [otherCache, /the cache of another clone/],
    ] as const) {
      const result = await runCli(["status", "--repo", repo, "--subsystem", "selinux", "--cache", cache]);
      assert.equal(result.code, 2, result.stderr);
      assert.match(result.stderr, new RegExp(`^merge-window status: --cache ${cache}: `));
      assert.match(result.stderr, reason);
    }
  });
});
