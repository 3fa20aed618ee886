// Rebase advice and the real rebase against real repositories: every refusal leaves origin's next as it was.
import { afterEach, describe, it } from "node:test";
import assert from "node:assert/strict";
import { renderSourceFile } from "../../fixtures/kernel-repo.ts";
import { createWorld, editLine, git, type World } from "./git-world.ts";

const NOW = new Date("2024-01-29T10:00:00Z");
const POLICYDB = "security/selinux/ss/policydb.c";
const UPSTREAM_H = "security/selinux/include/upstream.h";

let world: World;
afterEach(() => world?.cleanup());

/** next on v6.8-rc1 with two independent patches; upstream rc2 touched security/selinux/include/upstream.h. */
function buildWorld(): World {
  // Two fillers before each release (k=1,2 | 4,5 | 7,8): only k=7, between rc1 and rc2, touches upstream.h.
  world = createWorld({ filler: 6, subsystemTouchEvery: 7 });
  world.commit("selinux: tidy policydb", { [POLICYDB]: editLine(renderSourceFile(POLICYDB), 5, "int tidy;") });
  world.commit("selinux: add avc counter", {
    "security/selinux/avc.c": editLine(renderSourceFile("security/selinux/avc.c"), 6, "int counter;"),
  });
  world.push("next");
  return world;
}

function worktreeCount(dir: string): number {
  return git(dir, ["worktree", "list", "--porcelain"])
    .split("\n")
    .filter((line) => line.startsWith("worktree ")).length;
}

function pushes(spawns: readonly string[][]): string[][] {
  return spawns.filter((argv) => argv.includes("push"));
}

function backups(w: World): string {
  return git(w.origin, ["for-each-ref", "--format=%(refname) %(objectname)", "refs/merge-window/"]);
}

describe("adviseRebase", () => {
  it("reports how far behind next is, upstream changes in the subsystem's paths, and a clean trial", async () => {
    const w = buildWorld();
    const next = w.sha("refs/heads/next");
    const layer = w.layer();
    await layer.observe();
    const advice = await layer.adviseRebase({ onto: "v6.8-rc2", paths: ["security/selinux/"] });
    assert.equal(advice.refusal, null);
    assert.equal(advice.base?.name, "v6.8-rc1");
    assert.equal(advice.behind, Number(git(w.upstream.dir, ["rev-list", "--count", "v6.8-rc1..v6.8-rc2"])));
    assert.deepEqual(advice.upstreamPathChanges, [UPSTREAM_H]);
    assert.equal(advice.ownCommits, 2);
    assert.equal(advice.trial?.clean, true);
    assert.deepEqual(advice.trial?.conflicts, []);
    assert.equal(w.sha("refs/heads/next"), next);
    assert.equal(worktreeCount(w.app), 1);
    assert.deepEqual(pushes(w.spawns), []);
  });

  it("names the conflicting files of a trial rebase", async () => {
    const w = buildWorld();
    w.commit("selinux: rework upstream.h", { [UPSTREAM_H]: "/* ours */\n" });
    w.push("next");
    const layer = w.layer();
    await layer.observe();
    const advice = await layer.adviseRebase({ onto: "v6.8-rc2" });
    assert.equal(advice.trial?.clean, false);
    assert.deepEqual(advice.trial?.conflicts, [UPSTREAM_H]);
    assert.equal(advice.trial?.stoppedAt, w.sha("refs/heads/next"));
    assert.equal(worktreeCount(w.app), 1);
  });
});

describe("rebaseNext", () => {
  it("rebases onto an upstream tag, keeps every patch, pushes a backup first and then next with a lease", async () => {
    const w = buildWorld();
    // Upstream also took "add avc counter" verbatim: the rebase drops it as already upstream, which is allowed.
    const avc = editLine(renderSourceFile("security/selinux/avc.c"), 6, "int counter;");
    w.upstreamCommit("selinux: add avc counter", { "security/selinux/avc.c": avc }, "v6.8-rc3");
    const old = w.sha("refs/heads/next");
    const layer = w.layer();
    await layer.observe();
    w.spawns.length = 0;
    const result = await layer.rebaseNext({ onto: "v6.8-rc3", now: NOW });
    assert.equal(result.status, "rebased", JSON.stringify(result));
    if (result.status !== "rebased") return;
    assert.equal(result.oldSha, old);
    assert.equal(w.sha("refs/heads/next"), result.newSha);
    const rc3 = w.sha("refs/tags/v6.8-rc3^{commit}", w.upstream.dir);
    assert.equal(git(w.origin, ["rev-parse", "refs/heads/next~1"]), rc3);
    assert.deepEqual(git(w.origin, ["log", "--format=%s", `${rc3}..refs/heads/next`]).split("\n"), [
      "selinux: tidy policydb",
    ]);
    assert.equal(result.backupRef, `refs/merge-window/backup/next-20240129T100000Z-${old.slice(0, 12)}`);
    assert.equal(backups(w), `${result.backupRef} ${old}`);
    assert.equal(result.rangeDiff.length, 2);
    assert.match(result.rangeDiff.join("\n"), /= .*selinux: tidy policydb/);
    assert.match(result.rangeDiff.join("\n"), /< .*selinux: add avc counter/);
    const [backupPush, nextPush] = pushes(w.spawns);
    assert.ok(backupPush?.includes(`--force-with-lease=${result.backupRef}:`), backupPush?.join(" "));
    assert.ok(nextPush?.includes(`--force-with-lease=refs/heads/next:${old}`), nextPush?.join(" "));
    for (const argv of [backupPush!, nextPush!]) {
      assert.ok(argv.includes("--atomic"));
      assert.ok(
        !argv.some((arg) => arg === "--force" || arg === "-f" || arg === "--force-with-lease" || arg.startsWith("+")),
        argv.join(" "),
      );
    }
    assert.equal(worktreeCount(w.app), 1);
  });

  it("is refused when a maintainer pushed to next after it was read; the maintainer's commit survives", async () => {
    const w = buildWorld();
    const layer = w.layer();
    const read = (await layer.observe()).next!.sha;
    const late = w.commit("selinux: late fix", { "security/selinux/late.c": "int late;\n" });
    w.push("next");
    const result = await layer.rebaseNext({ onto: "v6.8-rc2", expectedSha: read, now: NOW });
    assert.equal(result.status, "refused");
    assert.equal(result.status === "refused" && result.code, "push-rejected");
    assert.equal(w.sha("refs/heads/next"), late);
  });

  it("is refused on conflicts, names the files and leaves next untouched with nothing pushed", async () => {
    const w = buildWorld();
    const tip = w.commit("selinux: rework upstream.h", { [UPSTREAM_H]: "/* ours */\n" });
    w.push("next");
    const layer = w.layer();
    await layer.observe();
    w.spawns.length = 0;
    const result = await layer.rebaseNext({ onto: "v6.8-rc2", now: NOW });
    assert.equal(result.status === "refused" && result.code, "conflict");
    assert.deepEqual(result.status === "refused" && result.conflicts, [UPSTREAM_H]);
    assert.equal(w.sha("refs/heads/next"), tip);
    assert.deepEqual(pushes(w.spawns), []);
    assert.equal(backups(w), "");
    assert.equal(worktreeCount(w.app), 1);
  });

  it("pushes nothing when a commit of next disappears in the rebase without being upstream", async () => {
    const w = buildWorld();
    const old = w.sha("refs/heads/next");
    // Upstream made the same edit inside a bigger commit: our patch becomes empty and git drops it.
    const policydb = editLine(editLine(renderSourceFile(POLICYDB), 5, "int tidy;"), 9, "int more;");
    w.upstreamCommit("selinux: sweeping policydb cleanup", { [POLICYDB]: policydb }, "v6.8-rc3");
    const layer = w.layer();
    await layer.observe();
    w.spawns.length = 0;
    const result = await layer.rebaseNext({ onto: "v6.8-rc3", now: NOW });
    assert.equal(result.status === "refused" && result.code, "commits-missing", JSON.stringify(result));
    assert.deepEqual(result.status === "refused" && result.missing?.map((commit) => commit.subject), [
      "selinux: tidy policydb",
    ]);
    assert.equal(w.sha("refs/heads/next"), old);
    assert.deepEqual(pushes(w.spawns), []);
  });

  it("refuses a next that merged someone else's branch, before rebasing anything", async () => {
    const w = buildWorld();
    git(w.maint, ["checkout", "-q", "-b", "vfs-shared", "v6.8-rc1"]);
    w.commit("vfs: shared helper", { "fs/namei.c": "int shared;\n" });
    git(w.maint, ["checkout", "-q", "next"]);
    git(w.maint, ["merge", "-q", "--no-ff", "-m", "Merge branch 'vfs-shared'", "vfs-shared"]);
    w.push("next");
    const tip = w.sha("refs/heads/next");
    const layer = w.layer();
    await layer.observe();
    w.spawns.length = 0;
    const result = await layer.rebaseNext({ onto: "v6.8-rc2", now: NOW });
    assert.equal(result.status === "refused" && result.code, "foreign-merges");
    assert.deepEqual(result.status === "refused" && result.foreignMerges?.map((merge) => merge.subject), [
      "Merge branch 'vfs-shared'",
    ]);
    assert.ok(!w.spawns.some((argv) => argv.includes("rebase") || argv.includes("push") || argv.includes("worktree")));
    assert.equal(w.sha("refs/heads/next"), tip);
  });

  it("rebases over a back-merge of an upstream tag (not others' history)", async () => {
    const w = buildWorld();
    git(w.maint, ["merge", "-q", "--no-ff", "-m", "Merge tag 'v6.8-rc2' into next", "v6.8-rc2"]);
    w.push("next");
    w.upstreamCommit("kernel: more", { "kernel/sched/core.c": "int more;\n" }, "v6.8-rc3");
    const layer = w.layer();
    await layer.observe();
    const result = await layer.rebaseNext({ onto: "v6.8-rc3", now: NOW });
    assert.equal(result.status, "rebased", JSON.stringify(result));
    const rc3 = w.sha("refs/tags/v6.8-rc3^{commit}", w.upstream.dir);
    assert.equal(git(w.origin, ["rev-list", "--count", "--merges", `${rc3}..refs/heads/next`]), "0");
    assert.equal(git(w.origin, ["rev-list", "--count", `${rc3}..refs/heads/next`]), "2");
  });

  it("refuses targets that are not upstream vX.Y/vX.Y-rcN tags, or older than what next holds", async () => {
    const w = buildWorld();
    const layer = w.layer();
    await layer.observe();
    w.spawns.length = 0;
    for (const onto of ["selinux-pr-20240101", "v2.6.39", "v6.8-rc2-foo", "stable-6.8"]) {
      const result = await layer.rebaseNext({ onto, now: NOW });
      assert.equal(result.status === "refused" && result.code, "not-a-version-tag", onto);
    }
    assert.equal(w.spawns.length, 0);
    const missing = await layer.rebaseNext({ onto: "v6.9", now: NOW });
    assert.equal(missing.status === "refused" && missing.code, "unknown-upstream-tag");
    git(w.maint, ["merge", "-q", "--no-ff", "-m", "Merge tag 'v6.8-rc2' into next", "v6.8-rc2"]);
    w.push("next");
    await layer.observe();
    const older = await layer.rebaseNext({ onto: "v6.8-rc1", now: NOW });
    assert.equal(older.status === "refused" && older.code, "target-behind-next", JSON.stringify(older));
    assert.deepEqual(pushes(w.spawns), []);
  });
});
