// The merge-tree replay against git rebase itself: same commits (patch-ids, authors, dates, messages, trees),
// every conflicting file of every commit, no worktree; the worktree fallback only for what needs one.
import { afterEach, describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { buildGitEnv } from "../../../src/adapters/git/runner.ts";
import { renderRebaseResult } from "../../../src/domain/git-reports.ts";
import { renderSourceFile } from "../../fixtures/kernel-repo.ts";
import { createWorld, editLine, git, type World } from "./git-world.ts";

const NOW = new Date("2024-01-29T10:00:00Z");
const POLICYDB = "security/selinux/ss/policydb.c";
const AVC = "security/selinux/avc.c";
const HOOKS = "security/selinux/hooks.c";
const UPSTREAM_H = "security/selinux/include/upstream.h";
const IDENTITY = ["-c", "user.name=merge-window", "-c", "user.email=merge-window@example.org"];

let world: World;
afterEach(() => world?.cleanup());

/** Rewrites the maintainer's next tip with this exact author line and message (same tree, same parent). */
function rewriteTip(w: World, author: string, message: string, extraHeaders = ""): string {
  const tree = git(w.maint, ["rev-parse", "HEAD^{tree}"]);
  const parent = git(w.maint, ["rev-parse", "HEAD^"]);
  const object =
    `tree ${tree}\nparent ${parent}\nauthor ${author}\n` +
    `committer Paul Moore <paul@paul-moore.com> 1706200000 -0500\n${extraHeaders}\n${message}`;
  const sha = git(w.maint, ["hash-object", "-t", "commit", "-w", "--stdin"], { input: object });
  git(w.maint, ["update-ref", "refs/heads/next", sha]);
  return sha;
}

/** Each commit of `from..to`, oldest first, as its raw object without the parent and committer lines. */
function rawCommits(dir: string, from: string, to: string): string[] {
  return git(dir, ["rev-list", "--reverse", `${from}..${to}`])
    .split("\n")
    .filter(Boolean)
    .map((sha) =>
      // Not through git(): it trims, and the message's last bytes are part of what must match.
      execFileSync("git", ["cat-file", "commit", sha], { cwd: dir, env: buildGitEnv(), encoding: "utf8" })
        .split("\n")
        .filter((line) => !line.startsWith("parent ") && !line.startsWith("committer "))
        .join("\n"),
    );
}

function committers(dir: string, from: string, to: string): string[] {
  return git(dir, ["log", "--reverse", "--format=%cn <%ce>", `${from}..${to}`]).split("\n");
}

function patchIds(dir: string, from: string, to: string): string[] {
  const patches = git(dir, ["log", "--reverse", "-p", "--format=commit %H", `${from}..${to}`]);
  return git(dir, ["patch-id", "--stable"], { input: `${patches}\n` })
    .split("\n")
    .map((line) => line.split(" ")[0]!);
}

/** `git rebase` of `old` onto `onto` in a throwaway worktree of the app clone: what a maintainer gets by hand. */
function rebaseByHand(w: World, old: string, onto: string): string {
  const dir = join(w.root, "by-hand");
  git(w.app, ["worktree", "add", "-q", "--detach", dir, old]);
  git(dir, [...IDENTITY, "rebase", "-q", onto]);
  const head = git(dir, ["rev-parse", "HEAD"]);
  git(w.app, ["worktree", "remove", "--force", dir]);
  return head;
}

/**
 * The trial rebase of next onto v6.8-rc3 (clean; the spawns recorded are the advice's alone), and `git rebase` of
 * the same next by hand.
 */
async function trialBesideGitRebase(w: World) {
  const old = w.sha("refs/heads/next");
  const layer = w.layer();
  await layer.observe();
  w.spawns.length = 0;
  const trial = (await layer.adviseRebase({ onto: "v6.8-rc3" })).trial!;
  assert.equal(trial.clean, true, JSON.stringify(trial));
  const onto = w.sha("refs/tags/v6.8-rc3^{commit}", w.upstream.dir);
  return { trial, onto, byHand: rebaseByHand(w, old, onto) };
}

function worktreeCount(dir: string): number {
  return git(dir, ["worktree", "list", "--porcelain"])
    .split("\n")
    .filter((line) => line.startsWith("worktree ")).length;
}

/** argv that would create or use a worktree or run git's own rebase. */
const checkouts = (spawns: readonly string[][]) =>
  spawns.filter((argv) => argv.some((arg) => ["worktree", "rebase", "checkout", "switch", "reset"].includes(arg)));

describe("merge-tree replay", () => {
  it("makes the commits git rebase makes: patch-ids, trees, author lines, dates and message bytes", async () => {
    world = createWorld({ filler: 6, subsystemTouchEvery: 7 });
    const w = world;
    // A name git's ident rules would trim (trailing "."), an odd time zone, a message with trailing blank lines.
    w.commit("tidy", { [POLICYDB]: editLine(renderSourceFile(POLICYDB), 12, "int tidy;") });
    rewriteTip(w, "A. U. Thor Jr. <jr@example.org> 1706000000 +0530", "selinux: tidy policydb\n\nWhy.\n\n\n");
    // Starts empty: git rebase keeps it.
    git(w.maint, ["commit", "-q", "--allow-empty", "-m", "selinux: empty marker"]);
    // Its patch is upstream verbatim: git rebase skips it (patch-id).
    const avc = editLine(renderSourceFile(AVC), 6, "int counter;");
    w.commit("selinux: add avc counter", { [AVC]: avc });
    // No final newline, a "#" line (no cleanup in a rebase), non-ASCII author.
    w.commit("hooks", { [HOOKS]: editLine(renderSourceFile(HOOKS), 3, "int hooks;") });
    rewriteTip(w, "Mickaël Salaün <mic@digikod.net> 1706100000 -0330", "selinux: hooks\n\n# not a comment\nend");
    w.push("next");
    // rc3: a real 3-way merge for the tidy patch (another line of policydb) and the avc patch itself.
    const policydb = editLine(renderSourceFile(POLICYDB), 2, "int upstream;");
    w.upstreamCommit("selinux: upstream policydb", { [POLICYDB]: policydb });
    w.upstreamCommit("selinux: add avc counter", { [AVC]: avc }, "v6.8-rc3");
    const old = w.sha("refs/heads/next");
    const layer = w.layer();
    await layer.observe();
    w.spawns.length = 0;
    const advice = await layer.adviseRebase({ onto: "v6.8-rc3" });
    const trial = advice.trial!;
    assert.equal(trial.clean, true, JSON.stringify(trial));
    assert.equal(trial.worktreeReason, undefined);
    const onto = w.sha("refs/tags/v6.8-rc3^{commit}", w.upstream.dir);
    const byHand = rebaseByHand(w, old, onto);
    const replayed = rawCommits(w.app, onto, trial.newHead!);
    assert.equal(replayed.length, 3);
    assert.deepEqual(replayed, rawCommits(w.app, onto, byHand));
    assert.deepEqual(patchIds(w.app, onto, trial.newHead!), patchIds(w.app, onto, byHand));
    assert.deepEqual(committers(w.app, onto, trial.newHead!), committers(w.app, onto, byHand));
    assert.equal(git(w.app, ["rev-parse", `${trial.newHead}^{tree}`]), git(w.app, ["rev-parse", `${byHand}^{tree}`]));
    assert.match(replayed[0]!, /^author A\. U\. Thor Jr\. <jr@example\.org> 1706000000 \+0530$/m);
    assert.ok(replayed[0]!.endsWith("\n\nWhy.\n\n\n") && replayed[2]!.endsWith("# not a comment\nend"));
    assert.deepEqual(checkouts(w.spawns), []);
  });

  it("finds a patch already upstream among the upstream commits that touch next's files only", async () => {
    world = createWorld({ filler: 6, subsystemTouchEvery: 7 });
    const w = world;
    const avc = editLine(renderSourceFile(AVC), 6, "int counter;");
    w.commit("selinux: add avc counter", { [AVC]: avc });
    w.commit("selinux: hooks", { [HOOKS]: editLine(renderSourceFile(HOOKS), 3, "int hooks;") });
    w.push("next");
    w.upstreamCommit("net: unrelated", { "net/core/dev.c": "int dev;\n" });
    w.upstreamCommit("selinux: add avc counter", { [AVC]: avc }, "v6.8-rc3");
    const { trial, onto, byHand } = await trialBesideGitRebase(w);
    assert.deepEqual(rawCommits(w.app, onto, trial.newHead!), rawCommits(w.app, onto, byHand));
    assert.deepEqual(committers(w.app, onto, trial.newHead!), committers(w.app, onto, byHand));
    assert.equal(git(w.app, ["rev-list", "--count", `${onto}..${trial.newHead}`]), "1");
    // One walk limited to the directory holding next's files; no patch-id of every upstream commit.
    const marks = w.spawns.filter((argv) => argv.includes("--cherry-mark"));
    assert.equal(marks.length, 1);
    assert.equal(marks[0]!.at(-1), ":(literal)security/selinux");
  });

  it("keeps a patch upstream made only within a larger commit, reverted since, as git rebase does", async () => {
    world = createWorld({ filler: 6, subsystemTouchEvery: 7 });
    const w = world;
    const avc = editLine(renderSourceFile(AVC), 6, "int counter;");
    w.commit("selinux: add avc counter", { [AVC]: avc });
    w.push("next");
    // Within security/selinux this commit's patch is next's; its whole patch also changes a file elsewhere.
    w.upstreamCommit("treewide: counters", { [AVC]: avc, "include/linux/counters.h": "int counters;\n" });
    w.upstreamCommit("Revert the avc part of treewide: counters", { [AVC]: renderSourceFile(AVC) }, "v6.8-rc3");
    const { trial, onto, byHand } = await trialBesideGitRebase(w);
    assert.equal(git(w.app, ["rev-list", "--count", `${onto}..${byHand}`]), "1");
    assert.deepEqual(rawCommits(w.app, onto, trial.newHead!), rawCommits(w.app, onto, byHand));
    assert.equal(git(w.app, ["rev-parse", `${trial.newHead}^{tree}`]), git(w.app, ["rev-parse", `${byHand}^{tree}`]));
    // The limited walk matched on part of a patch: git compared every upstream commit instead.
    const marks = w.spawns.filter((argv) => argv.includes("--cherry-mark"));
    assert.deepEqual(
      marks.map((argv) => argv.at(-1)),
      [":(literal)security/selinux", "--"],
    );
  });

  it("lists every conflicting file of every commit, not only the first commit's", async () => {
    world = createWorld({ filler: 6, subsystemTouchEvery: 7 });
    const w = world;
    const first = w.commit("selinux: rework upstream.h", { [UPSTREAM_H]: "/* ours */\n" });
    w.commit("selinux: clean one", { [HOOKS]: editLine(renderSourceFile(HOOKS), 3, "int hooks;") });
    const second = w.commit("selinux: policydb ours", {
      [POLICYDB]: editLine(renderSourceFile(POLICYDB), 5, "int ours;"),
      [AVC]: editLine(renderSourceFile(AVC), 5, "int ours;"),
    });
    w.push("next");
    w.upstreamCommit(
      "selinux: theirs",
      {
        [POLICYDB]: editLine(renderSourceFile(POLICYDB), 5, "int theirs;"),
        [AVC]: editLine(renderSourceFile(AVC), 5, "int theirs;"),
      },
      "v6.8-rc3",
    );
    const old = w.sha("refs/heads/next");
    const layer = w.layer();
    await layer.observe();
    w.spawns.length = 0;
    const advice = await layer.adviseRebase({ onto: "v6.8-rc3" });
    assert.equal(advice.trial?.clean, false);
    assert.deepEqual(advice.trial?.conflictingCommits, [
      { sha: first, subject: "selinux: rework upstream.h", files: [UPSTREAM_H] },
      { sha: second, subject: "selinux: policydb ours", files: [AVC, POLICYDB] },
    ]);
    assert.deepEqual(advice.trial?.conflicts, [UPSTREAM_H, AVC, POLICYDB]);
    assert.equal(advice.trial?.stoppedAt, first);
    const result = await layer.rebaseNext({ onto: "v6.8-rc3", now: NOW });
    assert.equal(result.status === "refused" && result.code, "conflict");
    const comment = renderRebaseResult(result, "next");
    for (const file of [UPSTREAM_H, AVC, POLICYDB]) assert.ok(comment.includes(file), comment);
    assert.equal(w.sha("refs/heads/next"), old);
    assert.deepEqual(checkouts(w.spawns), []);
  });

  it("creates no worktree, runs one merge-tree per commit and one hash-object per replay (trial, real)", async () => {
    world = createWorld({ filler: 6, subsystemTouchEvery: 7 });
    const w = world;
    for (let i = 1; i <= 5; i++) w.commit(`selinux: patch ${i}`, { [`security/selinux/p${i}.c`]: `int p${i};\n` });
    w.push("next");
    const layer = w.layer();
    await layer.observe();
    w.spawns.length = 0;
    const advice = await layer.adviseRebase({ onto: "v6.8-rc2" });
    assert.equal(advice.trial?.clean, true);
    const result = await layer.rebaseNext({ onto: "v6.8-rc2", now: NOW });
    assert.equal(result.status, "rebased", JSON.stringify(result));
    assert.deepEqual(checkouts(w.spawns), []);
    assert.equal(w.spawns.filter((argv) => argv.includes("merge-tree")).length, 10);
    // Every commit object of a replay (copies and stand-ins) is written by one long-running process.
    assert.equal(w.spawns.filter((argv) => argv.includes("hash-object")).length, 2);
    assert.equal(worktreeCount(w.app), 1);
    const rc2 = w.sha("refs/tags/v6.8-rc2^{commit}", w.upstream.dir);
    assert.equal(git(w.origin, ["rev-list", "--count", `${rc2}..refs/heads/next`]), "5");
  });

  it("falls back to git rebase in a worktree for a commit it cannot copy byte for byte, and says why", async () => {
    world = createWorld({ filler: 6, subsystemTouchEvery: 7 });
    const w = world;
    w.commit("latin", { [HOOKS]: editLine(renderSourceFile(HOOKS), 3, "int hooks;") });
    rewriteTip(w, "Paul Moore <paul@paul-moore.com> 1706000000 -0500", "selinux: hooks\n", "encoding ISO-8859-1\n");
    w.push("next");
    const layer = w.layer();
    await layer.observe();
    w.spawns.length = 0;
    const advice = await layer.adviseRebase({ onto: "v6.8-rc2" });
    assert.equal(advice.trial?.clean, true, JSON.stringify(advice.trial));
    assert.match(advice.trial?.worktreeReason ?? "", /non-UTF-8 encoding/);
    assert.ok(w.spawns.some((argv) => argv.includes("worktree") && argv.includes("add")));
    assert.equal(worktreeCount(w.app), 1);
  });
});
