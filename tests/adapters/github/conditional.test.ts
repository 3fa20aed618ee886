// Conditional reads over HTTP (real Octokit, nock): the second read of the config file, an issue or a comment
// thread carries the ETag of the first; GitHub's 304 answers what was kept, a 200 replaces it; a gone or
// transferred issue is null. Without a store nothing is conditional.
import { afterEach, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import nock from "nock";
import { Octokit } from "@octokit/rest";
import { createGitHubAdapter } from "../../../src/adapters/github/index.ts";
import { createMemoryStore } from "../../../src/adapters/store.ts";
import { API, APP, BOT, buildComment, buildIssue, HUMAN, OWNER, QUIET, REPO, REPO_PATH } from "./github-world.ts";

const CONFIG = `${REPO_PATH}/contents/.github%2Fmerge-window.yml`;
const file = (text: string) => ({
  type: "file",
  encoding: "base64",
  size: text.length,
  content: Buffer.from(text).toString("base64"),
});

/** An adapter whose requests record the If-None-Match they carried ("-" when none). */
function createConditionalHarness(withStore = true) {
  const sent: string[] = [];
  const octokit = new Octokit({
    log: QUIET,
    request: {
      fetch: (url: string, init: RequestInit) => {
        const headers = new Headers(init.headers);
        sent.push(`${new URL(url).pathname} ${headers.get("if-none-match") ?? "-"}`);
        return fetch(url, init);
      },
    },
  });
  const store = createMemoryStore();
  const adapter = createGitHubAdapter({
    octokit,
    owner: OWNER,
    repo: REPO,
    appSlug: APP,
    ...(withStore ? { store } : {}),
  });
  return { adapter, sent };
}

before(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());

describe("conditional reads", () => {
  it("reads the config with the kept ETag: a 304 answers the kept text, a 200 the new one", async () => {
    const h = createConditionalHarness();
    nock(API)
      .get(CONFIG)
      .reply(200, file("subsystem: selinux\n"), { etag: 'W/"one"' })
      .get(CONFIG)
      .reply(304, "", { etag: 'W/"one"' })
      .get(CONFIG)
      .reply(200, file("subsystem: audit\n"), { etag: 'W/"two"' });
    assert.equal(await h.adapter.readConfigFile(".github/merge-window.yml"), "subsystem: selinux\n");
    assert.equal(await h.adapter.readConfigFile(".github/merge-window.yml"), "subsystem: selinux\n");
    assert.equal(await h.adapter.readConfigFile(".github/merge-window.yml"), "subsystem: audit\n");
    assert.deepEqual(
      h.sent.map((line) => line.split(" ")[1]),
      ["-", 'W/"one"', 'W/"one"'],
    );
    assert.ok(nock.isDone());
  });

  it("without a store, every read is a plain GET", async () => {
    const h = createConditionalHarness(false);
    nock(API).get(CONFIG).times(2).reply(200, file("subsystem: selinux\n"), { etag: 'W/"one"' });
    await h.adapter.readConfigFile(".github/merge-window.yml");
    await h.adapter.readConfigFile(".github/merge-window.yml");
    assert.deepEqual(
      h.sent.map((line) => line.split(" ")[1]),
      ["-", "-"],
    );
  });

  it("reads one issue conditionally; a 404, a 410 or a transfer to another repository is null", async () => {
    const h = createConditionalHarness();
    const issue = {
      ...buildIssue(1, BOT, "merge-window: v6.9 (selinux)", "body"),
      updated_at: "2024-03-12T10:00:00Z",
      comments: 3,
      repository_url: `${API}${REPO_PATH}`,
    };
    nock(API)
      .get(`${REPO_PATH}/issues/1`)
      .reply(200, issue, { etag: 'W/"i1"' })
      .get(`${REPO_PATH}/issues/1`)
      .reply(304, "")
      .get(`${REPO_PATH}/issues/2`)
      .reply(404, { message: "Not Found" })
      .get(`${REPO_PATH}/issues/3`)
      .reply(410, { message: "This issue was deleted" })
      .get(`${REPO_PATH}/issues/4`)
      .reply(200, { ...issue, number: 9, repository_url: `${API}/repos/${OWNER}/elsewhere` });
    const first = await h.adapter.readIssue(1);
    assert.deepEqual(first, {
      issue: { number: 1, title: "merge-window: v6.9 (selinux)", body: "body", open: true, trusted: true },
      changed: true,
      threadChanged: true,
    });
    assert.deepEqual(await h.adapter.readIssue(1), { ...first, changed: false });
    assert.equal(await h.adapter.readIssue(2), null);
    assert.equal(await h.adapter.readIssue(3), null);
    assert.equal(await h.adapter.readIssue(4), null);
    assert.ok(h.sent.includes(`${REPO_PATH}/issues/1 W/"i1"`));
  });

  it("lists a thread once per run: later upserts in the same run use it, a post is added to it", async () => {
    const h = createConditionalHarness();
    const comments = `${REPO_PATH}/issues/7/comments`;
    nock(API)
      .get(comments)
      .query({ per_page: "100", page: "1" })
      .reply(200, [buildComment(10, HUMAN, "/merge-window status")], { etag: 'W/"c1"' })
      .post(comments)
      .reply(201, buildComment(11, BOT, "first\n\n<!-- merge-window:one -->"));
    const thread = await h.adapter.listThreadComments(7);
    assert.deepEqual(
      thread.map((c) => c.id),
      [10],
    );
    await h.adapter.upsertComment(7, "one", "first");
    await h.adapter.upsertComment(7, "one", "first"); // its own post is known: nothing read, nothing posted
    assert.ok(nock.isDone());
    assert.equal(h.sent.length, 2);
  });
});
