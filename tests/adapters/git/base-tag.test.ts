// next's base tag from the boundary of its own range: right when next sits on tags, on untagged upstream commits
// or on a back-merge, with no `--merged` scan at all when every boundary commit is a tag.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { createWorld, git, type World } from "./git-world.ts";

describe("next's base tag", () => {
  let world: World;
  let untagged: string;

  before(() => {
    world = createWorld();
    world.commit("selinux: own work", { "security/selinux/own.c": "int own;\n" });
    untagged = world.upstreamCommit("upstream: after rc2", { "fresh/after-rc2.c": "int after;\n" });
  });
  after(() => world.cleanup());

  const observeBranch = async (branch: string) => {
    world.spawns.length = 0;
    const layer = world.layer({ repoDir: world.maint, refs: "local" });
    const observed = await layer.observe({ nextBranch: branch });
    const scans = world.spawns.filter((argv) => argv.some((arg) => arg.startsWith("--merged="))).length;
    return { base: observed.next?.base?.name ?? null, scans };
  };

  it("is the boundary's tag, read without any --merged scan, when next's own commits sit on a tag", async () => {
    assert.deepEqual(await observeBranch("next"), { base: "v6.8-rc1", scans: 0 });
  });

  it("is the newest tag below an untagged upstream commit next starts from", async () => {
    git(world.maint, ["branch", "on-untagged", untagged]);
    git(world.maint, ["checkout", "-q", "on-untagged"]);
    world.commit("selinux: on an untagged base", { "security/selinux/b.c": "int b;\n" });
    git(world.maint, ["checkout", "-q", "next"]);
    assert.deepEqual(await observeBranch("on-untagged"), { base: "v6.8-rc2", scans: 1 });
  });

  it("counts a back-merge of an untagged upstream commit", async () => {
    git(world.maint, ["branch", "back-merged", "next"]);
    git(world.maint, ["checkout", "-q", "back-merged"]);
    git(world.maint, ["merge", "-q", "--no-ff", "-m", "Merge upstream into next", untagged]);
    git(world.maint, ["checkout", "-q", "next"]);
    assert.equal((await observeBranch("back-merged")).base, "v6.8-rc2");
  });

  it("is the tag itself when next has no commits of its own", async () => {
    git(world.maint, ["branch", "at-tag", "v6.8-rc2"]);
    assert.deepEqual(await observeBranch("at-tag"), { base: "v6.8-rc2", scans: 0 });
  });
});
