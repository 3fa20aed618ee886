// README: Reliability, scenario 16. Time of check to time of use. Through the real app and the sandbox forge, a
// contributor with write comments a command while GitHub rate-limits the app, so the run waits; the contributor's
// role is revoked before the run resumes. The permission is read when the run executes: the command is denied and
// nothing is recorded. The same wait without a revocation runs the command (s29). The app is suspended or uninstalled
// (GitHub's own `installation` payloads, signed, over HTTP) while a run waits: the run is dropped with no request;
// an installation GitHub answers 401 for stops its runs with no retry (a 404 or a suspension's 403 on its token
// request is treated the same way; the sandbox forge's restarted app cannot be made to ask for a token again, so
// that path is not run here).
//
// Not covered here: the Redis queue's drop (the same check, in redis-work.ts, against a shared hash).
import { test } from "node:test";
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { PEOPLE, type Replay } from "../../src/sandbox/replay.ts";
import { signWebhookBody } from "../../src/sandbox/forge/index.ts";
import { findTrackingIssue } from "../../src/sandbox/replay-state.ts";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { OWNER, REPO, openReliabilityWorld, type ReliabilityWorld } from "./reliability-world.ts";

const EXAMPLES: readonly { name: string; examples: Record<string, any>[] }[] = JSON.parse(
  readFileSync(createRequire(import.meta.url).resolve("@octokit/webhooks-examples/api.github.com/index.json"), "utf8"),
);

/** The replay's installation, as the app's token requests name it. */
function installationOf(replay: Replay): number {
  for (const entry of replay.appRequests()) {
    const match = /^\/app\/installations\/(\d+)\/access_tokens$/.exec(entry.path);
    if (match) return Number(match[1]);
  }
  throw new Error("the app asked for no installation token");
}

/** GitHub's example `installation.<action>` payload for the replay's installation, signed, to the app over HTTP. */
async function sendInstallation(replay: Replay, action: string, installationId: number): Promise<void> {
  const example = EXAMPLES.find((entry) => entry.name === "installation")!.examples.find((e) => e.action === action)!;
  const payload = structuredClone(example);
  payload.installation = { ...payload.installation, id: installationId };
  payload.repositories = [{ id: 1, name: REPO, full_name: `${OWNER}/${REPO}`, private: false }];
  const body = JSON.stringify(payload);
  const response = await fetch(replay.app.webhookUrl, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "x-github-event": "installation",
      "x-github-delivery": randomUUID(),
      "x-hub-signature-256": signWebhookBody(replay.forge.app.webhookSecret, body),
    },
    body,
  });
  await response.arrayBuffer();
  assert.equal(response.ok, true, `installation.${action}: ${response.status}`);
  await replay.settle();
}

function repliesOf(world: ReliabilityWorld): string[] {
  return findTrackingIssue(world.replay.forge, OWNER, REPO)!
    .comments.filter((comment) => comment.author.endsWith("[bot]") && comment.body.includes("merge-window:reply:"))
    .map((comment) => comment.body);
}

/** The contributor's command, held back by a rate limit: one deferred run. */
async function commandWaiting(world: ReliabilityWorld, body: string): Promise<void> {
  const { replay } = world;
  await replay.contributor.rest.issues.createComment({ owner: OWNER, repo: REPO, issue_number: world.issue, body });
  replay.forge.rateLimitNext("GET", "/repos/{owner}/{repo}/issues/{issue_number}", { resetInSeconds: 600 });
  await replay.settle();
  assert.equal(world.deferred.length, 1, "the run waits for the rate limit's reset");
}

for (const [gone, back] of [
  ["suspend", "unsuspend"],
  ["deleted", "created"],
] as const) {
  test(`s16: installation.${gone} while a run waits: dropped with no request; ${back} takes it up`, async (t) => {
    const world = await openReliabilityWorld();
    t.after(() => world.close());
    const { replay } = world;
    const installation = installationOf(replay);
    await commandWaiting(world, "/merge-window version 6.9");
    await sendInstallation(replay, gone, installation);
    const requests = replay.appRequests().length;
    await world.runDeferred();
    assert.equal(replay.appRequests().length, requests, "the dropped run made no request");
    assert.deepEqual(repliesOf(world), [], "nothing answered");
    assert.equal(world.memory()?.versionOverride, null, "nothing recorded");
    // A new delivery for the gone installation is dropped too.
    await replay.contributor.rest.issues.createComment({
      owner: OWNER,
      repo: REPO,
      issue_number: world.issue,
      body: "/merge-window status",
    });
    await replay.settle();
    assert.equal(replay.appRequests().length, requests, "nor did a later delivery's run");

    await sendInstallation(replay, back, installation);
    assert.equal(repliesOf(world).length, 2, "back: the commands left in the thread are taken up, once each");
    assert.equal(world.memory()?.versionOverride, "6.9");
  });
}

test("s16: a 401 for the installation stops the run with no retry; its next runs are dropped", async (t) => {
  const world = await openReliabilityWorld();
  t.after(() => world.close());
  const { replay } = world;
  const installation = installationOf(replay);
  const ISSUE = "/repos/{owner}/{repo}/issues/{issue_number}";
  // Every read of the issue answers 401 for a while: @octokit/auth-app itself retries a 401 during the first 5 s
  // of a fresh token (GitHub's replication lag), which is not the app's retry; more than a few would be a storm.
  replay.forge.failNext("GET", ISSUE, { status: 401, afterApplying: false, message: "Bad credentials", times: 10 });
  const requests = () => replay.appRequests().length;
  await replay.contributor.rest.issues.createComment({
    owner: OWNER,
    repo: REPO,
    issue_number: world.issue,
    body: "/merge-window version 6.9",
  });
  await replay.settle();
  const refused = replay.forge.requests.filter((entry) => entry.status === 401 && entry.route === ISSUE).length;
  assert.ok(refused >= 1 && refused <= 4, `one 401, or auth-app's few retries of a fresh token: ${refused}`);
  replay.forge.clearFailures();
  assert.equal(world.deferred.length, 0, "no retry waits");
  const before = requests();
  await replay.contributor.rest.issues.createComment({
    owner: OWNER,
    repo: REPO,
    issue_number: world.issue,
    body: "/merge-window status",
  });
  await replay.settle();
  assert.equal(requests(), before, "the next run of that installation is dropped with no request");
  assert.deepEqual(repliesOf(world), []);
  await sendInstallation(replay, "unsuspend", installation);
  assert.equal(repliesOf(world).length, 2, "restored: both commands answered, once each");
  assert.equal(world.memory()?.versionOverride, "6.9");
});

test("s16: a role revoked while the command waits is seen when it runs: denied, nothing done", async (t) => {
  const world = await openReliabilityWorld();
  t.after(() => world.close());
  const { replay } = world;
  const replies = () =>
    findTrackingIssue(replay.forge, OWNER, REPO)!
      .comments.filter((comment) => comment.author.endsWith("[bot]") && comment.body.includes("merge-window:reply:"))
      .map((comment) => comment.body);

  await replay.contributor.rest.issues.createComment({
    owner: OWNER,
    repo: REPO,
    issue_number: world.issue,
    body: "/merge-window version 6.9",
  });
  replay.forge.rateLimitNext("GET", "/repos/{owner}/{repo}/issues/{issue_number}", { resetInSeconds: 600 });
  await replay.settle();
  assert.equal(world.deferred.length, 1, "the run waits for the rate limit's reset");
  assert.deepEqual(replies(), [], "nothing answered yet");

  replay.forge.setPermission(OWNER, REPO, PEOPLE.contributor.login, "read");
  await world.runDeferred();
  assert.equal(world.memory()?.versionOverride, null, "nothing recorded");
  const answered = replies();
  assert.equal(answered.length, 1);
  assert.match(answered[0]!, /needs write permission on this repository; yours is read\. Nothing was done\./);
});
