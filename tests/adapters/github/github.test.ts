// The GitHub adapter's comments and issues over HTTP (real Octokit, nock): re-read before one retry, markers
// trusted only from the app's bot, bodies under 65,536 characters, and no route outside ROUTES_USED.
import { afterEach, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import nock from "nock";
import { ProbotOctokit } from "probot";
import { createGitHubAdapter, ROUTES_USED } from "../../../src/adapters/github/index.ts";
import { GitHubWriteError } from "../../../src/adapters/github/http.ts";
import { InputError } from "../../../src/domain/errors.ts";
import { MAX_BODY, TRACKING_MARKER } from "../../../src/domain/tracking-issue.ts";
import {
  API,
  APP,
  assertDone,
  QUIET,
  BOT,
  buildComment,
  buildError,
  buildIssue,
  createHarness,
  HUMAN,
  matchRoute,
  OTHER_BOT,
  OWNER,
  REPO,
  REPO_PATH,
} from "./github-world.ts";

const COMMENTS = `${REPO_PATH}/issues/7/comments`;
const KEY = "reminder:window-open:7.0";
const MARKER = `<!-- merge-window:${KEY} -->`;
const page1 = { per_page: "100", page: "1" };

before(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());

describe("upsertComment", () => {
  it("after a 502 that landed, re-reads, finds its marker and posts nothing more", async () => {
    const h = createHarness();
    nock(API)
      .get(COMMENTS)
      .query(page1)
      .reply(200, [])
      .post(COMMENTS, (body: { body: string }) => body.body.endsWith(MARKER))
      .reply(502, buildError("Bad Gateway"))
      .get(COMMENTS)
      .query(page1)
      .reply(200, [buildComment(1, BOT, `Window open.\n\n${MARKER}`)]);
    await h.adapter.upsertComment(7, KEY, "Window open.");
    assert.equal(h.count("POST", COMMENTS), 1);
    assertDone(h);
  });

  it("after a 502 that did not land, posts exactly once more", async () => {
    const h = createHarness();
    nock(API)
      .get(COMMENTS)
      .query(page1)
      .reply(200, [])
      .post(COMMENTS)
      .reply(502, buildError("Bad Gateway"))
      .get(COMMENTS)
      .query(page1)
      .reply(200, [])
      .post(COMMENTS)
      .reply(201, buildComment(2, BOT, MARKER));
    await h.adapter.upsertComment(7, KEY, "Window open.");
    assert.equal(h.count("POST", COMMENTS), 2);
    assertDone(h);
  });

  it("surfaces the error when the one retry fails too, without a third POST", async () => {
    const h = createHarness();
    nock(API)
      .get(COMMENTS)
      .query(page1)
      .reply(200, [])
      .post(COMMENTS)
      .reply(502, buildError("Bad Gateway"))
      .get(COMMENTS)
      .query(page1)
      .reply(200, [])
      .post(COMMENTS)
      .reply(503, buildError("Service Unavailable"));
    await assert.rejects(h.adapter.upsertComment(7, KEY, "Window open."), (error: unknown) => {
      assert.ok(error instanceof GitHubWriteError);
      assert.equal(error.status, 503);
      assert.match(error.message, /reminder:window-open:7\.0 on issue #7/);
      return true;
    });
    assert.equal(h.count("POST", COMMENTS), 2);
    assertDone(h);
  });

  it("does not re-read or retry a POST GitHub refused (4xx)", async () => {
    const h = createHarness();
    nock(API)
      .get(COMMENTS)
      .query(page1)
      .reply(200, [])
      .post(COMMENTS)
      .reply(403, buildError("Resource not accessible by integration"));
    await assert.rejects(
      h.adapter.upsertComment(7, KEY, "x"),
      (error: unknown) => error instanceof GitHubWriteError && error.status === 403,
    );
    assert.equal(h.requests.length, 2);
    assertDone(h);
  });

  it("does not post again when the re-read after a 500 fails", async () => {
    const h = createHarness();
    nock(API)
      .get(COMMENTS)
      .query(page1)
      .reply(200, [])
      .post(COMMENTS)
      .reply(500, buildError("Internal"))
      .get(COMMENTS)
      .query(page1)
      .reply(500, buildError("Internal"));
    await assert.rejects(h.adapter.upsertComment(7, KEY, "x"), /re-reading whether it landed/);
    assert.equal(h.count("POST", COMMENTS), 1);
    assertDone(h);
  });

  const authors = [
    { who: "the app's bot", user: BOT, body: `old text\n\n${MARKER}`, posts: 0 },
    { who: "a human pasting the marker", user: HUMAN, body: `me too\n\n${MARKER}`, posts: 1 },
    { who: "a user named like the bot", user: { login: BOT.login, type: "User" }, body: MARKER, posts: 1 },
    { who: "another app's bot", user: OTHER_BOT, body: MARKER, posts: 1 },
    { who: "the app's bot, marker not at the end", user: BOT, body: `${MARKER}\nquoted later`, posts: 1 },
    { who: "the app's bot, another key", user: BOT, body: "<!-- merge-window:reminder:late:7.0 -->", posts: 1 },
  ];
  for (const { who, user, body, posts } of authors) {
    it(`an existing marker from ${who} ${posts === 0 ? "suppresses" : "does not suppress"} the comment`, async () => {
      const h = createHarness();
      const api = nock(API)
        .get(COMMENTS)
        .query(page1)
        .reply(200, [buildComment(1, user, body)]);
      if (posts)
        api
          .post(COMMENTS, (sent: { body: string }) => sent.body === `Window open.\n\n${MARKER}`)
          .reply(201, buildComment(2, BOT, MARKER));
      await h.adapter.upsertComment(7, KEY, "Window open.");
      assert.equal(h.count("POST", COMMENTS), posts);
      assertDone(h);
    });
  }

  it("follows pagination to find its marker on a later page", async () => {
    const h = createHarness();
    const humans = Array.from({ length: 100 }, (_, i) => buildComment(10 + i, HUMAN, `comment ${i}`));
    nock(API)
      .get(COMMENTS)
      .query(page1)
      .reply(200, humans, { link: `<${API}${COMMENTS}?per_page=100&page=2>; rel="next"` })
      .get(COMMENTS)
      .query({ per_page: "100", page: "2" })
      .reply(200, [buildComment(200, BOT, `x\n${MARKER}`)]);
    await h.adapter.upsertComment(7, KEY, "Window open.");
    assert.equal(h.count("POST", COMMENTS), 0);
    assertDone(h);
  });

  it("keeps a body over 65,536 characters under the limit, the marker at its end", async () => {
    const h = createHarness();
    let sent = "";
    nock(API)
      .get(COMMENTS)
      .query(page1)
      .reply(200, [])
      .post(COMMENTS, (body: { body: string }) => ((sent = body.body), true))
      .reply(201, buildComment(3, BOT, ""));
    await h.adapter.upsertComment(7, KEY, "y".repeat(70_000));
    assert.ok(sent.length <= MAX_BODY, `${sent.length} characters`);
    assert.ok(sent.endsWith(MARKER));
    assert.match(sent, /truncated/);
    assertDone(h);
  });

  it("refuses a key outside [A-Za-z0-9:@#._/-] before any request", async () => {
    const h = createHarness();
    for (const key of ["", "a b", "x-->y", "<script>", "a\nb"]) {
      await assert.rejects(
        h.adapter.upsertComment(7, key, "x"),
        (error: unknown) => error instanceof InputError && error.code === "bad-marker-key",
      );
    }
    assert.deepEqual(h.requests, []);
  });
});

const ISSUES = `${REPO_PATH}/issues`;
const LABEL = "merge-window";
const TITLE = "merge-window: v7.0 (selinux)";
const CYCLE_MARKER = "<!-- merge-window:cycle:7.0 -->";

describe("openIssue", () => {
  it("creates the missing label, and keeps an over-long body under the limit with its markers", async () => {
    const h = createHarness();
    let sent = "";
    const meta = "<!-- merge-window:meta v1 eyJzY2hlbWEiOjF9 -->";
    nock(API)
      .get(`${REPO_PATH}/labels/${LABEL}`)
      .reply(404, buildError("Not Found"))
      .post(`${REPO_PATH}/labels`, { name: LABEL })
      .reply(201, { name: LABEL })
      .post(
        ISSUES,
        (body: { body: string; title: string; labels: string[] }) => (
          (sent = body.body),
          body.title === TITLE && body.labels[0] === LABEL
        ),
      )
      .reply(201, buildIssue(42, BOT, TITLE, ""));
    const body = `${TRACKING_MARKER}\n${"z".repeat(70_000)}\n${meta}`;
    assert.equal(await h.adapter.openIssue({ title: TITLE, body, label: LABEL, marker: CYCLE_MARKER }), 42);
    assert.ok(sent.length <= MAX_BODY, `${sent.length} characters`);
    for (const marker of [TRACKING_MARKER, meta, CYCLE_MARKER]) assert.ok(sent.includes(marker), marker);
    assert.match(sent, /truncated/);
    assertDone(h);
  });

  it("ignores 422 when the label was created meanwhile", async () => {
    const h = createHarness();
    nock(API)
      .get(`${REPO_PATH}/labels/${LABEL}`)
      .reply(404, buildError("Not Found"))
      .post(`${REPO_PATH}/labels`)
      .reply(422, { ...buildError("Validation Failed"), errors: [{ code: "already_exists" }] })
      .post(ISSUES, (body: { body: string }) => body.body === `checklist\n\n${CYCLE_MARKER}`)
      .reply(201, buildIssue(43, BOT, TITLE, ""));
    assert.equal(
      await h.adapter.openIssue({ title: TITLE, body: "checklist", label: LABEL, marker: CYCLE_MARKER }),
      43,
    );
    assertDone(h);
  });

  it("after a 502 that landed, finds the app's issue by title and marker and does not open another", async () => {
    const h = createHarness();
    const query = { labels: LABEL, state: "open", sort: "created", direction: "desc", ...page1 };
    nock(API)
      .get(`${REPO_PATH}/labels/${LABEL}`)
      .reply(200, { name: LABEL })
      .post(ISSUES)
      .reply(502, buildError("Bad Gateway"))
      .get(ISSUES)
      .query(query)
      .reply(200, [
        buildIssue(50, HUMAN, TITLE, `copied\n${CYCLE_MARKER}`), // a human's copy: not taken for ours
        buildIssue(49, BOT, "merge-window: v6.19 (selinux)", `old\n${CYCLE_MARKER}`), // ours, another cycle
        buildIssue(48, BOT, TITLE, `checklist\n\n${CYCLE_MARKER}`),
      ]);
    assert.equal(
      await h.adapter.openIssue({ title: TITLE, body: "checklist", label: LABEL, marker: CYCLE_MARKER }),
      48,
    );
    assert.equal(h.count("POST", ISSUES), 1);
    assertDone(h);
  });

  it("after a 502 that did not land (only a human's issue has the marker), opens it once more", async () => {
    const h = createHarness();
    nock(API)
      .get(`${REPO_PATH}/labels/${LABEL}`)
      .reply(200, { name: LABEL })
      .post(ISSUES)
      .reply(504, buildError("Gateway Timeout"))
      .get(ISSUES)
      .query(true)
      .reply(200, [buildIssue(50, HUMAN, TITLE, `checklist\n\n${CYCLE_MARKER}`)])
      .post(ISSUES)
      .reply(201, buildIssue(51, BOT, TITLE, ""));
    assert.equal(
      await h.adapter.openIssue({ title: TITLE, body: "checklist", label: LABEL, marker: CYCLE_MARKER }),
      51,
    );
    assert.equal(h.count("POST", ISSUES), 2);
    assertDone(h);
  });

  it("refuses a marker that is not a whole merge-window marker", async () => {
    const h = createHarness();
    await assert.rejects(
      h.adapter.openIssue({ title: TITLE, body: "x", label: LABEL, marker: "cycle:7.0" }),
      (e: unknown) => e instanceof InputError && e.code === "bad-marker",
    );
    assert.deepEqual(h.requests, []);
  });
});

describe("listTrackingIssues and updateIssue", () => {
  it("lists open and closed issues newest first, trusted only when the app opened them, no pull requests", async () => {
    const h = createHarness();
    nock(API)
      .get(ISSUES)
      .query({ labels: LABEL, state: "all", sort: "created", direction: "desc", ...page1 })
      .reply(200, [
        buildIssue(60, HUMAN, TITLE, TRACKING_MARKER),
        { ...buildIssue(59, BOT, "a pull request", ""), pull_request: { url: "x" } },
        buildIssue(58, BOT, "merge-window: v6.19 (selinux)", TRACKING_MARKER, "closed"),
        { ...buildIssue(57, OTHER_BOT, "bot", TRACKING_MARKER), body: null },
      ]);
    assert.deepEqual(await h.adapter.listTrackingIssues(LABEL), [
      { number: 60, title: TITLE, body: TRACKING_MARKER, open: true, trusted: false },
      { number: 58, title: "merge-window: v6.19 (selinux)", body: TRACKING_MARKER, open: false, trusted: true },
      { number: 57, title: "bot", body: "", open: true, trusted: false },
    ]);
    assertDone(h);
  });

  it("updates title, body and state, keeping the metadata block when the body is cut", async () => {
    const h = createHarness();
    const meta = "<!-- merge-window:meta v1 eyJzY2hlbWEiOjF9 -->";
    let sent: { title?: string; body?: string; state?: string } = {};
    nock(API)
      .patch(`${ISSUES}/58`, (body: typeof sent) => ((sent = body), true))
      .reply(200, buildIssue(58, BOT, TITLE, ""));
    await h.adapter.updateIssue(58, { title: TITLE, body: `${"q".repeat(MAX_BODY)}${meta}`, state: "closed" });
    assert.equal(sent.title, TITLE);
    assert.equal(sent.state, "closed");
    assert.ok(sent.body!.length <= MAX_BODY && sent.body!.endsWith(meta));
    assertDone(h);
  });

  it("adds a label", async () => {
    const h = createHarness();
    nock(API)
      .post(`${ISSUES}/12/labels`, { labels: ["merge-window: deferred"] })
      .reply(200, [{ name: "merge-window: deferred" }]);
    await h.adapter.addLabel(12, "merge-window: deferred");
    assertDone(h);
  });
});

describe("Probot's Octokit (retry and throttle plugins on)", () => {
  it("does not resend a POST on its own after a 502: the adapter's re-read decides", async () => {
    const requests: string[] = [];
    const octokit = new ProbotOctokit({
      auth: { token: "test-token" },
      retry: { retryAfterBaseValue: 1 },
      throttle: { enabled: false },
      log: QUIET,
      request: {
        fetch: (url: string, init: RequestInit) => (
          requests.push(`${init.method} ${new URL(url).pathname}`),
          fetch(url, init)
        ),
      },
    });
    const adapter = createGitHubAdapter({ octokit, owner: OWNER, repo: REPO, appSlug: APP });
    nock(API)
      .get(COMMENTS)
      .query(page1)
      .reply(200, [])
      .post(COMMENTS)
      .reply(502, buildError("Bad Gateway"))
      .get(COMMENTS)
      .query(page1)
      .reply(200, [buildComment(1, BOT, MARKER)]);
    await adapter.upsertComment(7, KEY, "Window open.");
    assert.deepEqual(requests, [`GET ${COMMENTS}`, `POST ${COMMENTS}`, `GET ${COMMENTS}`]);
    assert.deepEqual(nock.pendingMocks(), []);
  });
});

describe("ROUTES_USED", () => {
  it("names each route once, and the matcher tells them apart", () => {
    assert.equal(new Set(ROUTES_USED).size, ROUTES_USED.length);
    assert.equal(matchRoute(`GET ${REPO_PATH}/git/ref/heads%2Fnext`), undefined, "refs change only through git");
    assert.equal(
      matchRoute(`GET ${REPO_PATH}/commits/${"a".repeat(40)}/check-runs`),
      "GET /repos/{owner}/{repo}/commits/{ref}/check-runs",
    );
    assert.equal(
      matchRoute(`GET ${REPO_PATH}/issues/7/comments?page=1`),
      "GET /repos/{owner}/{repo}/issues/{issue_number}/comments",
    );
    assert.equal(matchRoute(`DELETE ${REPO_PATH}/issues/7`), undefined);
    assert.equal(matchRoute(`PUT ${REPO_PATH}/git/refs/heads%2Fnext`), undefined);
  });
});
