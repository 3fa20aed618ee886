// stable-X.Y creation on a real remote: created once at the pinned SHA, a no-op when already there, never moved.
import { afterEach, describe, it } from "node:test";
import assert from "node:assert/strict";
import { createWorld, git, type World } from "./git-world.ts";

let world: World;
afterEach(() => world?.cleanup());

function pushes(w: World): string[][] {
  return w.spawns.filter((argv) => argv.includes("push"));
}

describe("createStableBranch", () => {
  it("creates the branch at the pinned SHA with an empty lease (must not exist)", async () => {
    world = createWorld();
    const pinned = world.commit("selinux: patch", { "security/selinux/p.c": "int p;\n" });
    world.push("next");
    world.commit("selinux: later patch", { "security/selinux/q.c": "int q;\n" });
    world.push("next");
    const layer = world.layer();
    await layer.observe();
    world.spawns.length = 0;
    assert.deepEqual(await layer.createStableBranch({ name: "stable-6.9", sha: pinned }), {
      status: "created",
      name: "stable-6.9",
      sha: pinned,
    });
    assert.equal(world.sha("refs/heads/stable-6.9"), pinned, "the pinned SHA, not next's newer tip");
    const [push] = pushes(world);
    assert.ok(push?.includes("--force-with-lease=refs/heads/stable-6.9:"), push?.join(" "));
    assert.ok(push?.includes("--atomic"));
    assert.ok(push?.includes(`${pinned}:refs/heads/stable-6.9`));
  });

  it("succeeds without pushing when the branch already points at that SHA", async () => {
    world = createWorld();
    const sha = world.commit("selinux: patch", { "security/selinux/p.c": "int p;\n" });
    world.push("next");
    const layer = world.layer();
    await layer.observe();
    await layer.createStableBranch({ name: "stable-6.9", sha });
    world.spawns.length = 0;
    assert.deepEqual(await layer.createStableBranch({ name: "stable-6.9", sha }), {
      status: "exists",
      name: "stable-6.9",
      sha,
    });
    assert.deepEqual(pushes(world), []);
  });

  it("never moves a stable branch that exists at another SHA", async () => {
    world = createWorld();
    const theirs = world.commit("selinux: their stable", { "security/selinux/s.c": "int s;\n" });
    git(world.maint, ["branch", "stable-6.9"]);
    world.push("stable-6.9");
    const ours = world.commit("selinux: patch", { "security/selinux/p.c": "int p;\n" });
    world.push("next");
    const layer = world.layer();
    await layer.observe();
    world.spawns.length = 0;
    const result = await layer.createStableBranch({ name: "stable-6.9", sha: ours });
    assert.equal(result.status, "refused");
    assert.equal(result.status === "refused" && result.code, "exists-elsewhere");
    assert.equal(result.status === "refused" && result.existing, theirs);
    assert.equal(world.sha("refs/heads/stable-6.9"), theirs);
    assert.deepEqual(pushes(world), []);
  });

  it("refuses a SHA the clone does not have as a commit", async () => {
    world = createWorld();
    const layer = world.layer();
    const tree = git(world.maint, ["rev-parse", "HEAD^{tree}"]);
    const result = await layer.createStableBranch({ name: "stable-6.9", sha: tree });
    assert.equal(result.status === "refused" && result.code, "not-a-commit");
    assert.equal(git(world.origin, ["for-each-ref", "refs/heads/stable-6.9"]), "");
  });
});
