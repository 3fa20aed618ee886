// Pull requests, check runs and workflow dispatch through the real @octokit/rest, backed by real branches.
import { test } from "node:test";
import assert from "node:assert/strict";
import { appOctokit, rejection, startSelinux, userOctokit } from "./forge-fixtures.ts";

const owner = "selinux";
const repo = "selinux";

test("a pull request between real branches: stats from git, opened and synchronize webhooks", async (t) => {
  const world = await startSelinux();
  t.after(() => world.close());
  await world.work.run(["push", "origin", "HEAD:refs/heads/next"]);
  await world.work.run(["checkout", "--quiet", "-b", "fix"]);
  await world.work.commit({ "hooks.c": "a\nb\nc\n" }, "selinux: add hooks");
  const tip = await world.work.commit({ "hooks.c": "a\nB\nc\n", README: "hello\nworld\n" }, "selinux: fix hooks");
  await world.work.run(["push", "origin", "fix"]);
  await world.sandbox.deliver();
  const paul = userOctokit(world.forge, world.paulToken);

  const opened = await paul.rest.pulls.create({
    owner,
    repo,
    title: "selinux: fix hooks",
    head: "fix",
    base: "next",
    body: "Fixes: 123",
  });
  assert.equal(opened.status, 201);
  assert.deepEqual(
    [opened.data.number, opened.data.head.ref, opened.data.head.sha, opened.data.base.ref],
    [1, "fix", tip, "next"],
  );
  assert.deepEqual(
    [opened.data.commits, opened.data.additions, opened.data.deletions, opened.data.changed_files],
    [2, 4, 0, 2],
  );
  const commits = await paul.rest.pulls.listCommits({ owner, repo, pull_number: 1 });
  assert.deepEqual(
    commits.data.map((commit) => commit.commit.message),
    ["selinux: add hooks", "selinux: fix hooks"],
  );
  const asIssues = await paul.rest.issues.listForRepo({ owner, repo });
  assert.ok(asIssues.data[0]?.pull_request, "the issues list includes pull requests, with a pull_request key");
  assert.deepEqual(
    (await paul.rest.pulls.list({ owner, repo, base: "next" })).data.map((pull) => pull.number),
    [1],
  );
  assert.deepEqual(
    (await paul.rest.pulls.list({ owner, repo, head: "selinux:fix" })).data.map((pull) => pull.number),
    [1],
  );
  assert.deepEqual((await paul.rest.pulls.list({ owner, repo, base: "main" })).data, []);

  const next = await world.work.commit({ "hooks.c": "a\nB\nC\n" }, "selinux: more");
  await world.work.run(["push", "origin", "fix"]);
  const hooks = await world.sandbox.deliver();
  assert.deepEqual(
    hooks.map((hook) => `${hook.event}.${hook.action ?? ""}`),
    ["pull_request.opened", "push.", "pull_request.synchronize"],
  );
  assert.deepEqual(
    [hooks[2]!.payload.before, hooks[2]!.payload.after, hooks[2]!.payload.pull_request.head.sha],
    [tip, next, next],
  );
  assert.equal(hooks[0]!.payload.pull_request.user.login, "paul");

  const same = await rejection(paul.rest.pulls.create({ owner, repo, title: "again", head: "fix", base: "next" }));
  assert.equal(same.status, 422);
  const empty = await rejection(paul.rest.pulls.create({ owner, repo, title: "nothing", head: "next", base: "fix" }));
  assert.equal(empty.status, 422);
  assert.equal(
    (await rejection(paul.rest.pulls.create({ owner, repo, title: "ghost", head: "ghost", base: "next" }))).status,
    422,
  );
  assert.equal((await rejection(paul.rest.pulls.get({ owner, repo, pull_number: 99 }))).status, 404);
});

test("check runs: only apps create them; completing sends check_run.completed; listed per ref, latest", async (t) => {
  const world = await startSelinux();
  t.after(() => world.close());
  await world.work.run(["tag", "-a", "-m", "tag", "selinux-pr-20240312"]);
  await world.work.run(["push", "origin", "HEAD:refs/heads/main", "--tags"]);
  await world.sandbox.deliver();
  const sha = (await world.work.run(["rev-parse", "HEAD"])).stdout.trim();
  const app = appOctokit(world.forge, world.installationId);

  const created = await app.rest.checks.create({
    owner,
    repo,
    name: "merge-window/tag",
    head_sha: sha,
    status: "in_progress",
  });
  assert.deepEqual(
    [created.status, created.data.status, created.data.conclusion, created.data.app?.slug],
    [201, "in_progress", null, "merge-window"],
  );
  const id = created.data.id;
  assert.equal(
    (await rejection(app.rest.checks.update({ owner, repo, check_run_id: id, status: "completed" }))).status,
    422,
    "completed needs a conclusion",
  );
  assert.equal(
    (
      await rejection(
        app.rest.checks.update({
          owner,
          repo,
          check_run_id: id,
          name: "renamed",
          output: { title: "t", summary: "s".repeat(65536) },
        }),
      )
    ).status,
    422,
  );
  assert.deepEqual(
    world.forge.checkRuns(owner, repo).map((run) => [run.name, run.status, run.conclusion, run.title]),
    [["merge-window/tag", "in_progress", null, null]],
    "a refused update changes nothing",
  );
  const done = await app.rest.checks.update({
    owner,
    repo,
    check_run_id: created.data.id,
    conclusion: "failure",
    output: { title: "Bad tag", summary: "date in the future" },
  });
  assert.deepEqual(
    [done.data.status, done.data.conclusion, done.data.output.title],
    ["completed", "failure", "Bad tag"],
  );
  await app.rest.checks.create({ owner, repo, name: "merge-window/tag", head_sha: sha, conclusion: "success" });

  for (const ref of [sha, "main", "selinux-pr-20240312"]) {
    const listed = await app.rest.checks.listForRef({ owner, repo, ref });
    assert.deepEqual([listed.data.total_count, listed.data.check_runs[0]?.conclusion], [1, "success"], ref);
  }
  const all = await app.rest.checks.listForRef({ owner, repo, ref: sha, filter: "all" });
  assert.equal(all.data.total_count, 2);

  const denied = await rejection(
    userOctokit(world.forge, world.paulToken).rest.checks.create({ owner, repo, name: "x", head_sha: sha }),
  );
  assert.equal(denied.status, 403);
  assert.equal(
    (await rejection(app.rest.checks.create({ owner, repo, name: "x", head_sha: "f".repeat(40) }))).status,
    422,
  );
  const hooks = await world.sandbox.deliver();
  assert.deepEqual(
    hooks.map((hook) => `${hook.event}.${hook.action}`),
    ["check_run.created", "check_run.completed", "check_run.created"],
  );
  assert.deepEqual(
    world.forge.checkRuns(owner, repo).map((run) => run.conclusion),
    ["failure", "success"],
  );
});

test("workflow dispatch: real workflow files; the harness ends the run; workflow_run.completed has it", async (t) => {
  const world = await startSelinux();
  t.after(() => world.close());
  await world.work.commit(
    {
      ".github/workflows/selinux-testsuite.yml":
        "name: SELinux testsuite\non:\n  workflow_dispatch:\n    inputs:\n      branch: {type: string}\njobs: {}\n",
      ".github/workflows/lint.yml": "name: lint\non: [push]\njobs: {}\n",
    },
    "ci",
  );
  await world.work.run(["push", "origin", "HEAD:refs/heads/main", "HEAD:refs/heads/next"]);
  const sha = (await world.work.run(["rev-parse", "HEAD"])).stdout.trim();
  await world.sandbox.deliver();
  const app = appOctokit(world.forge, world.installationId);

  const dispatched = await app.rest.actions.createWorkflowDispatch({
    owner,
    repo,
    workflow_id: "selinux-testsuite.yml",
    ref: "next",
    inputs: { branch: "next" },
  });
  assert.equal(dispatched.status, 204);
  assert.equal(
    (await rejection(app.rest.actions.createWorkflowDispatch({ owner, repo, workflow_id: "nope.yml", ref: "next" })))
      .status,
    404,
  );
  assert.equal(
    (
      await rejection(
        app.rest.actions.createWorkflowDispatch({
          owner,
          repo,
          workflow_id: "selinux-testsuite.yml",
          ref: "no-such-branch",
        }),
      )
    ).status,
    422,
  );
  assert.equal(
    (await rejection(app.rest.actions.createWorkflowDispatch({ owner, repo, workflow_id: "lint.yml", ref: "next" })))
      .status,
    422,
  );

  const [run] = world.forge.workflowRuns(owner, repo);
  assert.deepEqual(
    [run?.status, run?.headBranch, run?.headSha, run?.inputs],
    ["queued", "next", sha, { branch: "next" }],
  );
  await world.forge.completeWorkflowRun(owner, repo, run!.id, "success");
  const hooks = await world.sandbox.deliver();
  assert.deepEqual(
    hooks.map((hook) => `${hook.event}.${hook.action}`),
    ["workflow_run.requested", "workflow_run.completed"],
  );
  const completed = hooks[1]!.payload.workflow_run;
  assert.deepEqual(
    [completed.head_branch, completed.head_sha, completed.conclusion, completed.status, completed.path, completed.name],
    ["next", sha, "success", "completed", ".github/workflows/selinux-testsuite.yml", "SELinux testsuite"],
  );
  assert.match(completed.html_url, /\/selinux\/selinux\/actions\/runs\/\d+$/);
});

test("workflowConclusion decides a run at dispatch time", async (t) => {
  const world = await startSelinux({
    workflowConclusion: (run) => (run.headBranch === "main" ? "failure" : undefined),
  });
  t.after(() => world.close());
  await world.work.commit({ ".github/workflows/t.yml": "on: workflow_dispatch\njobs: {}\n" }, "ci");
  await world.work.run(["push", "origin", "HEAD:refs/heads/main", "HEAD:refs/heads/next"]);
  const app = appOctokit(world.forge, world.installationId);
  await app.rest.actions.createWorkflowDispatch({ owner, repo, workflow_id: "t.yml", ref: "main" });
  await app.rest.actions.createWorkflowDispatch({ owner, repo, workflow_id: "t.yml", ref: "next" });
  assert.deepEqual(
    world.forge.workflowRuns(owner, repo).map((run) => `${run.headBranch}:${run.status}:${run.conclusion}`),
    ["main:completed:failure", "next:queued:null"],
  );
});
