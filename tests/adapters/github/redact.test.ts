// Tokens never reach GitHub: every write's strings pass redactSecrets (real Octokit, nock); a long check run name is
// shortened with a hash instead of failing the write.
import { afterEach, before, test } from "node:test";
import assert from "node:assert/strict";
import nock from "nock";
import { MAX_CHECK_NAME } from "../../../src/adapters/github/writes.ts";
import { API, assertDone, createHarness, REPO_PATH } from "./github-world.ts";

before(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());

const TOKEN = "ghs_16C7e42F292c6912E7710c838347Ae178B4a";
const SHA = "a".repeat(40);

test("a comment quoting a git error with its remote URL is posted with the token redacted", async () => {
  const h = createHarness();
  const posted: string[] = [];
  nock(API)
    .get(`${REPO_PATH}/issues/7/comments`)
    .query(true)
    .reply(200, [])
    .post(`${REPO_PATH}/issues/7/comments`, (body: { body: string }) => posted.push(body.body) > 0)
    .reply(201, { id: 1 });
  await h.adapter.upsertComment(7, "fetch-failed", `fatal: https://x-access-token:${TOKEN}@github.com/o/r.git`);
  assert.equal(posted.length, 1);
  assert.ok(!posted[0]!.includes(TOKEN), posted[0]);
  assert.match(posted[0]!, /https:\/\/\*\*\*@github\.com/);
  assertDone(h);
});

test("a 250-character check run name is shortened to 200 with a hash; the write happens", async () => {
  const h = createHarness();
  const name = `merge-window / tag selinux-pr-20240312-${"x".repeat(230)}`;
  const sent: Array<{ name: string; output: { summary: string } }> = [];
  nock(API)
    .get(`${REPO_PATH}/commits/${SHA}/check-runs`)
    .query(true)
    .reply(200, { total_count: 0, check_runs: [] })
    .post(`${REPO_PATH}/check-runs`, (body: (typeof sent)[number]) => sent.push(body) > 0)
    .reply(201, { id: 5 });
  await h.adapter.reportCheckRun({
    sha: SHA,
    name,
    conclusion: "failure",
    title: "bad tag",
    summary: "problems:",
    problems: [{ code: "bad-shape", message: "tag `x` cc @torvalds <b>" }],
  });
  assert.equal(sent.length, 1);
  assert.equal(sent[0]!.name.length, MAX_CHECK_NAME);
  assert.match(sent[0]!.name, /…[0-9a-f]{8}$/);
  assert.doesNotMatch(sent[0]!.output.summary, /@torvalds|<b>/, "problem messages are inert");
  assertDone(h);
});
