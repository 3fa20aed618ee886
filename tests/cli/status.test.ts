// `merge-window status` on generated kernel-like repos: development, late, the window with and without
// stable-X.Y, the fixes branch during rcs, and a 4.20 → 5.0-like window where the next number is not settled.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { buildKernelScenario, parseGitTime, type KernelScenario } from "../fixtures/kernel-repo.ts";
import { buildWorld, createTempDir, git, parseJson, removeDir, runCli, writeRepoFile } from "./cli-world.ts";

const DAY = /^\d{4}-\d{2}-\d{2}$/;

describe("status during development and late in the cycle (upstream at v6.8-rc6)", () => {
  let dir: string;
  let scenario: KernelScenario;
  before(() => {
    dir = createTempDir("status-dev");
    scenario = buildKernelScenario(dir, { stage: "development" });
  });
  after(() => {
    scenario.close();
    removeDir(dir);
  });

  it("after -rc3: development, the v6.9 window ahead, no stable branch, next's base and own commits", async () => {
    const result = await runCli([
      "status",
      "--repo",
      scenario.subsystem.dir,
      "--subsystem",
      "selinux",
      "--at",
      "2024-02-06T12:00:00Z",
      "--json",
    ]);
    assert.equal(result.code, 0, result.stderr);
    const status = parseJson(result);
    assert.equal(status.phase, "development");
    assert.equal(status.upstream.latest, "v6.8-rc3");
    assert.equal(
      status.upstream.date,
      new Date(parseGitTime(scenario.upstream.tags.get("v6.8-rc3")!.date).epoch * 1000).toISOString(),
    );
    assert.equal(status.target, "6.9");
    assert.equal(status.targetCertain, true);
    assert.equal(status.rc, 3);
    assert.equal(status.windowDay, null);
    assert.match(status.expected.windowClose, DAY);
    assert.match(status.expected.release, DAY);
    assert.ok(status.expected.release < status.expected.windowClose);
    assert.equal(status.stable, null);
    // next holds 8 patches, 2 vfs-topic commits and the merge; the merge brought in v6.8-rc3.
    assert.deepEqual({ base: status.next.base, ahead: status.next.ahead }, { base: "v6.8-rc3", ahead: 11 });
    assert.deepEqual(
      status.steps.map((step: { id: string }) => step.id),
      ["rebase-decision", "rebase", "create-stable", "tag", "request-pull", "merged"],
    );
    // next holds a merge of another tree: no rebase is possible, the rest waits for the window.
    assert.deepEqual(
      status.steps.map((step: { status: string }) => step.status),
      ["skipped", "skipped", "waiting", "waiting", "waiting", "waiting"],
    );
    assert.match(status.nextAction, /^Keep merging patches into next for the v6\.9 window/);
  });

  it("after -rc6: late (the configured threshold), same target", async () => {
    const status = parseJson(
      await runCli([
        "status",
        "--repo",
        scenario.subsystem.dir,
        "--subsystem",
        "selinux",
        "--at",
        "2024-02-27T12:00:00Z",
        "--json",
      ]),
    );
    assert.deepEqual([status.phase, status.rc, status.upstream.latest, status.target], ["late", 6, "v6.8-rc6", "6.9"]);
  });

  it("prints a short human summary without --json", async () => {
    const result = await runCli([
      "status",
      "--repo",
      scenario.subsystem.dir,
      "--subsystem",
      "selinux",
      "--at",
      "2024-02-27T12:00:00Z",
    ]);
    assert.equal(result.code, 0, result.stderr);
    const lines = result.stdout.trimEnd().split("\n");
    assert.ok(lines.length <= 12, result.stdout);
    assert.match(result.stdout, /^upstream: late in the cycle, -rc6 \(v6\.8-rc6 tagged 2024-02-2\d\)/m);
    assert.match(result.stdout, /^window for v6\.9; stable branch: none yet; next on v6\.8-rc3, 11 commit\(s\) ahead/m);
    assert.match(lines.at(-1)!, /^next: Keep merging patches into next/);
  });
});

describe("status in the merge window with stable-6.9 and a signed tag", () => {
  let dir: string;
  let scenario: KernelScenario;
  before(() => {
    dir = createTempDir("status-window");
    scenario = buildKernelScenario(dir, { stage: "window" });
  });
  after(() => {
    scenario.close();
    removeDir(dir);
  });

  it("day 4 of the window: stable-6.9 is current, the tag counts once its signer is allowed", async () => {
    const repo = scenario.subsystem.dir;
    const argv = ["status", "--repo", repo, "--at", "2024-03-13T12:00:00Z", "--json"];
    const env = { GNUPGHOME: scenario.gpgKey.gnupgHome };
    const defaults = parseJson(await runCli(argv, { env }));
    assert.deepEqual(
      [defaults.phase, defaults.windowDay, defaults.rc, defaults.target, defaults.stable],
      ["merge-window", 4, null, "6.9", "stable-6.9"],
    );
    const step = (status: Record<string, any>, id: string) =>
      status.steps.find((s: { id: string }) => s.id === id).status;
    assert.equal(step(defaults, "create-stable"), "done");
    assert.equal(step(defaults, "tag"), "due", "the built-in defaults allow no GPG signer");

    writeRepoFile(
      repo,
      ".github/merge-window.yml",
      `subsystem: selinux\nsigning:\n  allowedSigners: ["${scenario.gpgKey.fingerprint}"]\n`,
    );
    const configured = parseJson(await runCli(argv, { env }));
    assert.equal(configured.config, ".github/merge-window.yml");
    assert.equal(step(configured, "tag"), "done");
    assert.equal(step(configured, "request-pull"), "due");
    assert.match(configured.nextAction, /^Send the \[GIT PULL\] request/);
  });
});

describe("status without stable-X.Y, during rcs, and at an uncertain version boundary", () => {
  let dir: string;
  /** Upstream at v6.8, next with three patches on v6.8-rc1, no stable branch. */
  let windowRepo: string;
  before(() => {
    dir = createTempDir("status-worlds");
    windowRepo = buildWorld(`${dir}/a`, { from: "v6.7", to: "v6.8" }, [
      { kind: "branch", name: "next", from: "v6.8-rc1" },
      {
        kind: "patches",
        branch: "next",
        patches: [{ subject: "selinux: one" }, { subject: "selinux: two" }, { subject: "selinux: three" }],
      },
    ]).subsystem.dir;
  });
  after(() => removeDir(dir));

  it("window open, next not copied yet: no stable branch, the rebase decision is due", async () => {
    const result = await runCli([
      "status",
      "--repo",
      windowRepo,
      "--subsystem",
      "selinux",
      "--at",
      "2024-03-11T12:00:00Z",
      "--json",
    ]);
    assert.equal(result.code, 0, result.stderr);
    const status = parseJson(result);
    assert.deepEqual(
      [status.phase, status.windowDay, status.target, status.targetCertain, status.stable],
      ["merge-window", 2, "6.9", true, null],
    );
    assert.deepEqual({ base: status.next.base, ahead: status.next.ahead }, { base: "v6.8-rc1", ahead: 3 });
    assert.equal(status.steps.find((s: { id: string }) => s.id === "rebase-decision").status, "due");
    assert.match(status.nextAction, /^Decide whether to rebase next onto v6\.8/);
  });

  it("advise-rebase onto the release that opened the window: behind, own commits, clean trial; no change", async () => {
    const repo = windowRepo;
    const refs = () => git(repo, ["for-each-ref", "--format=%(refname) %(objectname)", "refs/heads", "refs/tags"]);
    const before = refs();
    const result = await runCli([
      "advise-rebase",
      "--repo",
      repo,
      "--subsystem",
      "selinux",
      "--at",
      "2024-03-11T12:00:00Z",
      "--json",
    ]);
    assert.equal(result.code, 0, result.stderr);
    const advice = parseJson(result);
    assert.deepEqual(
      [advice.branch, advice.onto, advice.base.name, advice.ownCommits, advice.refusal, advice.trial.clean],
      ["next", "v6.8", "v6.8-rc1", 3, null, true],
    );
    assert.ok(advice.behind > 0);
    assert.equal(refs(), before);
    assert.equal(git(repo, ["worktree", "list"]).split("\n").length, 1, "the trial's worktree is gone");
    const text = await runCli([
      "advise-rebase",
      "--repo",
      repo,
      "--subsystem",
      "selinux",
      "--at",
      "2024-03-11T12:00:00Z",
      "--onto",
      "v6.8-rc2",
    ]);
    assert.match(text.stdout, /^\*\*Rebase advice\*\* for `next` onto `v6\.8-rc2`:$/m);
    assert.match(text.stdout, /a trial rebase applies cleanly/);
  });

  it("during v6.9-rc2: stable-6.9 takes the fixes, the next window is for 6.10", async () => {
    const { subsystem } = buildWorld(`${dir}/b`, { from: "v6.7", to: "v6.9-rc2" }, [
      { kind: "branch", name: "next", from: "v6.8-rc1" },
      { kind: "patches", branch: "next", patches: [{ subject: "selinux: one", date: "2024-02-01 10:00:00 -0500" }] },
      { kind: "branch", name: "stable-6.9", from: "next" },
      {
        kind: "patches",
        branch: "stable-6.9",
        patches: [{ subject: "selinux: fix", date: "2024-03-26 10:00:00 -0400" }],
      },
      { kind: "branch", name: "next", from: "v6.9-rc1" },
    ]);
    const status = parseJson(
      await runCli([
        "status",
        "--repo",
        subsystem.dir,
        "--subsystem",
        "selinux",
        "--at",
        "2024-04-01T12:00:00Z",
        "--json",
      ]),
    );
    assert.deepEqual(
      [status.phase, status.rc, status.upstream.latest, status.target, status.stable],
      ["development", 2, "v6.9-rc2", "6.10", "stable-6.9"],
    );
    assert.deepEqual({ base: status.next.base, ahead: status.next.ahead }, { base: "v6.9-rc1", ahead: 0 });
  });

  it("after v4.20 the number is not settled (4.21 or 5.0): targetCertain false, settle it first", async () => {
    const { subsystem } = buildWorld(`${dir}/c`, { from: "v4.19", to: "v4.20" }, [
      { kind: "branch", name: "next", from: "v4.20-rc1" },
      { kind: "patches", branch: "next", patches: [{ subject: "selinux: one" }] },
    ]);
    const result = await runCli([
      "status",
      "--repo",
      subsystem.dir,
      "--subsystem",
      "selinux",
      "--at",
      "2018-12-26T12:00:00Z",
      "--json",
    ]);
    assert.equal(result.code, 0, result.stderr);
    const status = parseJson(result);
    assert.deepEqual(
      [status.phase, status.upstream.latest, status.target, status.targetCertain, status.targetAlternatives],
      ["merge-window", "v4.20", "4.21", false, ["5.0"]],
    );
    assert.match(status.nextAction, /^Settle the version number first: 4\.21 or 5\.0/);
    // never a stable-4.21 that upstream may not name: it is not created, and status does not invent it
    assert.equal(status.stable, null);
    assert.equal(git(subsystem.dir, ["branch", "--list", "stable-*"]), "");
  });
});

describe("status when upstream has tags but no master", () => {
  let dir: string;
  let scenario: KernelScenario;
  before(() => {
    dir = createTempDir("status-nomaster");
    scenario = buildKernelScenario(dir, { stage: "window" });
    // A tags-only mirror of Linus's tree as the clone's `upstream` remote.
    git(dir, ["init", "-q", "--bare", "tags-only.git"]);
    git(scenario.upstream.dir, ["push", "-q", `${dir}/tags-only.git`, "refs/tags/*:refs/tags/*"]);
    git(scenario.subsystem.dir, ["remote", "set-url", "upstream", `${dir}/tags-only.git`]);
    writeRepoFile(
      scenario.subsystem.dir,
      ".github/merge-window.yml",
      `subsystem: selinux\nsigning:\n  allowedSigners: ["${scenario.gpgKey.fingerprint}"]\n`,
    );
  });
  after(() => {
    scenario.close();
    removeDir(dir);
  });

  it("weeks after the window: exit 0, request-pull and merged unknown, the remote named, never overdue", async () => {
    const repo = scenario.subsystem.dir;
    const env = { GNUPGHOME: scenario.gpgKey.gnupgHome };
    const argv = ["status", "--repo", repo, "--at", "2024-04-20T12:00:00Z"];
    const result = await runCli([...argv, "--json"], { env });
    assert.equal(result.code, 0, result.stderr);
    const status = parseJson(result);
    assert.equal(status.upstream.latest, "v6.8", "the tags still came from the tags-only upstream");
    const state = (id: string) => status.steps.find((step: { id: string }) => step.id === id);
    assert.equal(state("tag").status, "done");
    assert.deepEqual(
      [state("request-pull").status, state("merged").status],
      ["unknown", "unknown"],
      JSON.stringify(status.steps),
    );
    assert.equal(state("merged").detail, "remote upstream has no master branch to look in; give --upstream");
    assert.ok(!JSON.stringify(status).includes("overdue"), status.nextAction);
    assert.ok(status.warnings.some((line: string) => /^remote upstream has tags but no master branch/.test(line)));
    assert.equal(git(repo, ["for-each-ref", "refs/merge-window/upstream/heads"]), "", "no stale mirrored master");
    const text = await runCli(argv, { env });
    assert.match(text.stdout, /^warning: remote upstream has tags but no master branch: whether a pull was merged/m);
    assert.match(text.stdout, /^ {2}merged +unknown +remote upstream has no master branch/m);

    // The same clone with Linus's master: the step is known again (overdue: no mail was seen, none merged).
    git(repo, ["remote", "set-url", "upstream", scenario.upstream.dir]);
    const known = parseJson(await runCli([...argv, "--json"], { env }));
    assert.equal(known.steps.find((step: { id: string }) => step.id === "request-pull").status, "overdue");
    git(repo, ["remote", "set-url", "upstream", `${dir}/tags-only.git`]);
    const again = parseJson(await runCli([...argv, "--json"], { env }));
    assert.equal(again.steps.find((step: { id: string }) => step.id === "merged").status, "unknown");
  });
});
