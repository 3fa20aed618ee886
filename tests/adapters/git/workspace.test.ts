// The app's mirrors against upstream and "GitHub" served over git:// (filters honoured): objects borrowed,
// blobless, commit-graphs kept, and a repository's sync right after upstream tags a new rc.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createGitLayer } from "../../../src/adapters/git/index.ts";
import { openRepoWorkspace, syncUpstreamMirror, type RepoWorkspace } from "../../../src/adapters/git/workspace.ts";
import { startGitDaemon, type GitDaemon } from "../../fixtures/git-daemon.ts";
import { createWorld, git, type World } from "./git-world.ts";

/** Objects stored in `dir` itself (loose and packed), not those borrowed through alternates. */
function countOwnObjects(dir: string): number {
  const stats = new Map(
    git(dir, ["count-objects", "-v"])
      .split("\n")
      .map((line) => line.split(": ") as [string, string]),
  );
  return Number(stats.get("count")) + Number(stats.get("in-pack"));
}

function countMissingBlobs(dir: string): number {
  const listed = git(dir, ["rev-list", "--objects", "--missing=print", "--all"]).split("\n");
  return listed.filter((line) => line.startsWith("?")).length;
}

describe("app mirrors, upstream over git://", () => {
  let world: World;
  let daemon: GitDaemon;
  let cacheDir: string;
  let upstreamDir: string;
  let workspace: RepoWorkspace;
  const spawns: string[][] = [];

  before(async () => {
    world = createWorld({ filler: 200 });
    world.commit("selinux: own work", { "security/selinux/own.c": "int own;\n" });
    world.push("next");
    daemon = await startGitDaemon(world.root);
    cacheDir = mkdtempSync(join(tmpdir(), "mw-mirrors-"));
  });
  after(async () => {
    await daemon.stop();
    world.cleanup();
    rmSync(cacheDir, { recursive: true, force: true });
  });

  const open = () =>
    openRepoWorkspace(
      {
        owner: "acme",
        repo: "selinux",
        cloneUrl: daemon.url("selinux.git"),
        token: "test-token",
        upstreamDir,
        upstreamUrl: daemon.url("linux.git"),
        upstreamBranch: "master",
      },
      { cacheDir, onSpawn: (argv) => spawns.push([...argv]) },
    );

  it("borrows upstream's objects, fetches only what upstream lacks, blobless, and writes commit-graphs", async () => {
    upstreamDir = await syncUpstreamMirror(daemon.url("linux.git"), "master", { cacheDir });
    assert.ok(countMissingBlobs(upstreamDir) > 0, "the upstream mirror is blobless (the filter was honoured)");
    workspace = await open();
    await workspace.sync();
    const alternates = join(workspace.dir, "objects", "info", "alternates");
    assert.equal(readFileSync(alternates, "utf8").trim(), join(upstreamDir, "objects"));
    const own = countOwnObjects(workspace.dir);
    const upstream = countOwnObjects(upstreamDir);
    assert.ok(own > 0 && own * 20 < upstream, `own objects ${own} vs upstream mirror ${upstream}: under 5%`);
    assert.equal(git(workspace.dir, ["rev-parse", "refs/heads/next"]), world.sha("next"));
    const rc2 = world.sha("refs/tags/v6.8-rc2", world.upstream.dir);
    assert.equal(git(workspace.dir, ["rev-parse", "refs/merge-window/upstream/tags/v6.8-rc2"]), rc2);
    assert.equal(git(workspace.dir, ["rev-parse", "refs/tags/v6.8-rc2"]), rc2);
    const master = world.sha("refs/heads/master", world.upstream.dir);
    assert.equal(git(workspace.dir, ["rev-parse", "refs/merge-window/upstream/heads/master"]), master);
    for (const dir of [upstreamDir, workspace.dir]) {
      assert.ok(existsSync(join(dir, "objects", "info", "commit-graphs", "commit-graph-chain")), `graph in ${dir}`);
    }
    git(workspace.dir, ["fsck", "--connectivity-only", "--no-progress"]);
    assert.equal(git(upstreamDir, ["config", "gc.pruneExpire"]), "never", "borrowed objects are never pruned");
  });

  it("syncs right after upstream tags a new rc, and the layer observes it without fetching", async () => {
    world.upstreamCommit("Linux 6.8-rc3", { "fresh/new.c": "int fresh;\n" }, "v6.8-rc3");
    await syncUpstreamMirror(daemon.url("linux.git"), "master", { cacheDir });
    await workspace.sync();
    const rc3 = world.sha("refs/tags/v6.8-rc3", world.upstream.dir);
    assert.equal(git(workspace.dir, ["rev-parse", "refs/merge-window/upstream/tags/v6.8-rc3"]), rc3);
    const layerSpawns: string[][] = [];
    const layer = createGitLayer({
      repoDir: workspace.dir,
      refs: "local",
      upstream: { kind: "adopted" },
      onSpawn: (argv) => layerSpawns.push([...argv]),
    });
    const observed = await layer.observe({ paths: ["fresh/"] });
    assert.equal(observed.newestUpstreamTag?.name, "v6.8-rc3");
    assert.equal(observed.next?.base?.name, "v6.8-rc1");
    assert.deepEqual(observed.next?.upstreamPathChanges, ["fresh/new.c"]);
    assert.equal(layerSpawns.filter((argv) => argv.includes("fetch")).length, 0, "nothing fetched by observe");
    // A blob neither mirror has (GitHub does not have the new rc yet) comes lazily from upstream itself.
    assert.equal(git(workspace.dir, ["cat-file", "-p", "refs/tags/v6.8-rc3:fresh/new.c"]), "int fresh;");
  });

  it("reads upstream's refs and writes the differences in a number of processes independent of the tags", async () => {
    const count = async () => {
      spawns.length = 0;
      await (await open()).adoptUpstream();
      return spawns.length;
    };
    const before = await count();
    for (let i = 4; i <= 9; i++) world.upstreamCommit(`Linux 6.8-rc${i}`, { [`fresh/rc${i}.c`]: "\n" }, `v6.8-rc${i}`);
    await syncUpstreamMirror(daemon.url("linux.git"), "master", { cacheDir });
    assert.equal(await count(), before + 1, "one update-ref for six new tags");
    assert.equal(
      git(workspace.dir, ["rev-parse", "refs/tags/v6.8-rc9^{commit}"]),
      world.sha("v6.8-rc9^{commit}", world.upstream.dir),
    );
  });
});
