// The GitHub adapter's check runs, permissions, pull requests, config reads and workflow dispatch over
// HTTP (real Octokit, nock): upserting check runs, failing closed on permissions.
import { afterEach, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import nock from "nock";
import { InputError } from "../../../src/domain/errors.ts";
import { API, APP, assertDone, buildError, createHarness, OWNER, REPO_PATH } from "./github-world.ts";

const SHA = "6d4d8cfd2a1c5b0c8e1f3a2b4c5d6e7f8091a2b3";

before(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());

describe("reportCheckRun", () => {
  const NAME = "merge-window / tag selinux-pr-20240312";
  const LIST = `${REPO_PATH}/commits/${SHA}/check-runs`;
  const report = {
    sha: SHA,
    name: NAME,
    conclusion: "failure" as const,
    title: "selinux-pr-20240312: 2 problems",
    summary: "The tag does not follow the rules.",
    problems: [
      { code: "unsigned", message: "the tag carries no signature" },
      { code: "future-date", message: "20240312 is after the tagger date" },
    ],
  };
  const summary =
    "The tag does not follow the rules.\n\n- unsigned: the tag carries no signature\n" +
    "- future-date: 20240312 is after the tagger date";

  it("creates the run when none of the app's runs has the name (another app's does not count)", async () => {
    const h = createHarness();
    nock(API)
      .get(LIST)
      .query({ check_name: NAME, per_page: "100" })
      .reply(200, { total_count: 1, check_runs: [{ id: 5, name: NAME, app: { slug: "other-app" } }] })
      .post(`${REPO_PATH}/check-runs`, {
        name: NAME,
        head_sha: SHA,
        conclusion: "failure",
        status: "completed",
        output: { title: report.title, summary },
      })
      .reply(201, { id: 9 });
    await h.adapter.reportCheckRun(report);
    assertDone(h);
  });

  it("updates the app's existing run in place", async () => {
    const h = createHarness();
    nock(API)
      .get(LIST)
      .query(true)
      .reply(200, { total_count: 1, check_runs: [{ id: 77, name: NAME, app: { slug: APP } }] })
      .patch(`${REPO_PATH}/check-runs/77`, {
        conclusion: "success",
        status: "completed",
        output: { title: "ok", summary: "valid" },
      })
      .reply(200, { id: 77 });
    await h.adapter.reportCheckRun({ sha: SHA, name: NAME, conclusion: "success", title: "ok", summary: "valid" });
    assert.equal(h.count("POST", `${REPO_PATH}/check-runs`), 0);
    assertDone(h);
  });
});

describe("getPermission", () => {
  const rows: { answer: number | { role_name: string; permission: string }; expected: string | null }[] = [
    { answer: { role_name: "admin", permission: "admin" }, expected: "admin" },
    { answer: { role_name: "maintain", permission: "write" }, expected: "maintain" },
    { answer: { role_name: "write", permission: "write" }, expected: "write" },
    { answer: { role_name: "triage", permission: "read" }, expected: "triage" },
    { answer: { role_name: "read", permission: "read" }, expected: "read" },
    { answer: { role_name: "security-reviewer", permission: "write" }, expected: "write" }, // custom role: its base
    { answer: { role_name: "", permission: "none" }, expected: "none" },
    { answer: { role_name: "weird", permission: "weird" }, expected: null },
    { answer: 404, expected: "none" },
    { answer: 500, expected: null },
    { answer: 403, expected: null },
  ];
  for (const { answer, expected } of rows) {
    const given =
      typeof answer === "number" ? `HTTP ${answer}` : `role ${answer.role_name || "(none)"}/${answer.permission}`;
    it(`${given} → ${expected}`, async () => {
      const h = createHarness();
      const path = `${REPO_PATH}/collaborators/stephensmalley/permission`;
      if (typeof answer === "number") nock(API).get(path).reply(answer, buildError("nope"));
      else
        nock(API)
          .get(path)
          .reply(200, { ...answer, user: { login: "stephensmalley" } });
      assert.equal(await h.adapter.getPermission("stephensmalley"), expected);
      assertDone(h);
    });
  }

  it("asks every time (no cache), and asks nothing for a name GitHub cannot have", async () => {
    const h = createHarness();
    const path = `${REPO_PATH}/collaborators/pcmoore/permission`;
    nock(API)
      .get(path)
      .reply(200, { role_name: "admin", permission: "admin" })
      .get(path)
      .reply(404, buildError("Not Found"));
    assert.equal(await h.adapter.getPermission("pcmoore"), "admin");
    assert.equal(await h.adapter.getPermission("pcmoore"), "none");
    assert.equal(await h.adapter.getPermission("../admin"), null);
    assertDone(h);
  });
});

describe("openPullRequest", () => {
  const UPSTREAM = "/repos/torvalds/linux/pulls";
  const input = {
    repo: "torvalds/linux",
    head: `${OWNER}:selinux-pr-20240312`,
    base: "master",
    title: "[GIT PULL] selinux/selinux-pr-20240312",
    body: "Hi Linus,",
  };
  const query = { head: input.head, base: "master", state: "open", per_page: "100", page: "1" };

  it("returns the open pull request with the same head and base instead of opening another", async () => {
    const h = createHarness();
    nock(API)
      .get(UPSTREAM)
      .query(query)
      .reply(200, [
        {
          number: 3,
          html_url: "https://github.com/torvalds/linux/pull/3",
          head: { label: "someone:selinux-pr-20240312" },
          base: { ref: "master" },
        },
        {
          number: 4,
          html_url: "https://github.com/torvalds/linux/pull/4",
          head: { label: input.head },
          base: { ref: "master" },
        },
      ]);
    assert.deepEqual(await h.adapter.openPullRequest(input), {
      number: 4,
      url: "https://github.com/torvalds/linux/pull/4",
    });
    assertDone(h);
  });

  it("opens one when none is open; after a 502 that landed, returns it without a second POST", async () => {
    const h = createHarness();
    const landed = {
      number: 8,
      html_url: "https://github.com/torvalds/linux/pull/8",
      head: { label: input.head },
      base: { ref: "master" },
    };
    nock(API)
      .get(UPSTREAM)
      .query(query)
      .reply(200, [])
      .post(UPSTREAM, { head: input.head, base: "master", title: input.title, body: "Hi Linus," })
      .reply(502, buildError("Bad Gateway"))
      .get(UPSTREAM)
      .query(query)
      .reply(200, [landed]);
    assert.deepEqual(await h.adapter.openPullRequest(input), { number: 8, url: landed.html_url });
    assert.equal(h.count("POST", UPSTREAM), 1);
    assertDone(h);
  });

  it("refuses a malformed repository or head before any request", async () => {
    const h = createHarness();
    await assert.rejects(h.adapter.openPullRequest({ ...input, repo: "torvalds/linux/extra" }), InputError);
    await assert.rejects(h.adapter.openPullRequest({ ...input, head: "x:--upload-pack" }), InputError);
    assert.deepEqual(h.requests, []);
  });
});

describe("readConfigFile, dispatchWorkflow, listPullRequestCommitMessages", () => {
  const CONFIG = `${REPO_PATH}/contents/.github%2Fmerge-window.yml`;

  it("decodes the file, and answers null when it is absent", async () => {
    const h = createHarness();
    const text = "subsystem: selinux\nprocess: rc1-rebase\n# ünïcode\n";
    const content = Buffer.from(text)
      .toString("base64")
      .replace(/(.{20})/g, "$1\n"); // GitHub wraps base64 lines
    nock(API)
      .get(CONFIG)
      .reply(200, { type: "file", encoding: "base64", content, size: text.length, path: ".github/merge-window.yml" })
      .get(CONFIG)
      .reply(404, buildError("Not Found"));
    assert.equal(await h.adapter.readConfigFile(".github/merge-window.yml"), text);
    assert.equal(await h.adapter.readConfigFile(".github/merge-window.yml"), null);
    assertDone(h);
  });

  it("says which path is a directory, and refuses a path that climbs out", async () => {
    const h = createHarness();
    nock(API)
      .get(`${REPO_PATH}/contents/.github`)
      .reply(200, [{ type: "file", name: "merge-window.yml" }]);
    await assert.rejects(
      h.adapter.readConfigFile(".github"),
      /\.github in selinuxproject\/selinux-kernel is not a file/,
    );
    await assert.rejects(
      h.adapter.readConfigFile("../secrets"),
      (e: unknown) => e instanceof InputError && e.code === "bad-path",
    );
    assertDone(h);
  });

  it("dispatches the workflow on the default branch, naming the branch and commit to test as inputs", async () => {
    const h = createHarness();
    nock(API)
      .get(REPO_PATH)
      .reply(200, { default_branch: "main" })
      .post(`${REPO_PATH}/actions/workflows/selinux-testsuite.yml/dispatches`, {
        ref: "main",
        inputs: { ref: "stable-7.0", sha: SHA },
      })
      .reply(204);
    await h.adapter.dispatchWorkflow("selinux-testsuite.yml", { ref: "stable-7.0", sha: SHA });
    await assert.rejects(h.adapter.dispatchWorkflow("selinux-testsuite.yml", { ref: "-x", sha: SHA }), InputError);
    await assert.rejects(h.adapter.dispatchWorkflow("selinux-testsuite.yml", { ref: "next", sha: "HEAD" }), InputError);
    assertDone(h);
  });

  it("lists a pull request's commit messages across pages", async () => {
    const h = createHarness();
    const path = `${REPO_PATH}/pulls/31/commits`;
    const commit = (message: string) => ({ sha: SHA, commit: { message } });
    nock(API)
      .get(path)
      .query({ per_page: "100", page: "1" })
      .reply(200, [commit("selinux: a")], {
        link: `<${API}${path}?per_page=100&page=2>; rel="next", <${API}${path}?per_page=100&page=2>; rel="last"`,
      })
      .get(path)
      .query({ per_page: "100", page: "2" })
      .reply(200, [commit('selinux: b\n\nFixes: 0123456789ab ("x")')]);
    assert.deepEqual(await h.adapter.listPullRequestCommitMessages(31), [
      "selinux: a",
      'selinux: b\n\nFixes: 0123456789ab ("x")',
    ]);
    assertDone(h);
  });
});
