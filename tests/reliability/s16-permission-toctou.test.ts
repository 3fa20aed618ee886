// Scenario 16: time of check to time of use. Through the real app and the sandbox forge, a contributor with write
// comments a command while GitHub rate-limits the app, so the run waits; the contributor's role is revoked before the
// run resumes. The permission is read when the run executes: the command is denied and nothing is recorded. The same
// wait without a revocation runs the command (s29).
//
// Not covered, and why: uninstalling or suspending the app while a job waits. The app does not handle
// `installation.deleted`/`suspend` events or drop queued jobs for a removed installation, and the sandbox forge
// cannot uninstall an app; a run for a gone installation fails on its first request and is not retried by the app.
import { test } from "node:test";
import assert from "node:assert/strict";
import { PEOPLE } from "../../src/sandbox/replay.ts";
import { findTrackingIssue } from "../../src/sandbox/replay-state.ts";
import { OWNER, REPO, openReliabilityWorld } from "./reliability-world.ts";

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
