// Scenario 6 (README: Reliability), commands outside the tracking issue: a command on another issue whose delivery
// never arrived (GitHub's outage while the app restarts), or whose run failed, is found in GitHub by the next run
// and answered once; the repository-wide listing that finds it is read once per process, not on every run.
import { test } from "node:test";
import assert from "node:assert/strict";
import { openReliabilityWorld, OWNER, REPO, type ReliabilityWorld } from "./reliability-world.ts";
import { listCommentKeys } from "../../src/sandbox/replay-state.ts";

/** Opens another issue (a contributor's question) and returns its number. */
async function openOtherIssue(world: ReliabilityWorld): Promise<number> {
  const { data } = await world.replay.contributor.request("POST /repos/{owner}/{repo}/issues", {
    owner: OWNER,
    repo: REPO,
    title: "Which release will carry the audit fix?",
    body: "asking before the window opens",
  });
  await world.replay.settle(); // the issue's own `issues` webhook: nothing for the app
  return data.number;
}

/** The app's replies (by their hidden key) on issue `number`. */
function repliesOn(world: ReliabilityWorld, number: number): string[] {
  const issue = world.replay.forge.issues(OWNER, REPO).find((candidate) => candidate.number === number);
  return listCommentKeys(issue).filter((key) => key.startsWith("reply:"));
}

const repoListings = (world: ReliabilityWorld) =>
  world.replay
    .appRequests()
    .filter((entry) => entry.method === "GET" && entry.route === "/repos/{owner}/{repo}/issues/comments").length;

test("a command on another issue whose webhook never came is answered once by the restarted app", async (t) => {
  const world = await openReliabilityWorld();
  t.after(() => world.close());
  const { replay } = world;
  const other = await openOtherIssue(world);

  await replay.maintainer.comment(other, "/merge-window version 6.9");
  assert.equal(replay.forge.discardPendingDeliveries().length, 1, "the comment's webhook is never sent");
  await replay.restartApp({ sameCache: true }); // a deploy: the new process remembers nothing
  const before = repoListings(world);
  await replay.tick();
  assert.deepEqual(repliesOn(world, other).length, 1, "answered where it was asked");
  assert.equal(world.memory()?.versionOverride, "6.9", "and carried out");

  await replay.tick();
  await replay.tick();
  assert.equal(repliesOn(world, other).length, 1, "once");
  assert.equal(repoListings(world) - before, 1, "one repository-wide listing for three runs of this process");
});

test("a command on another issue whose run failed is taken up by the next run", async (t) => {
  const world = await openReliabilityWorld();
  t.after(() => world.close());
  const { replay } = world;
  const other = await openOtherIssue(world);
  await replay.tick(); // this process has scanned the repository once already

  // The comment's run fails reading the tracking issue (a 502); nothing is answered or recorded.
  replay.forge.failNext("GET", "/repos/{owner}/{repo}/issues/{issue_number}", { status: 502 });
  await replay.maintainer.comment(other, "/merge-window version 6.9");
  await replay.settle();
  assert.equal(repliesOn(world, other).length, 0, "the failed run answered nothing");
  assert.equal(world.memory()?.versionOverride, null);

  await replay.tick(); // the hourly reconcile, no webhook for the comment again
  assert.equal(repliesOn(world, other).length, 1, "taken up and answered");
  assert.equal(world.memory()?.versionOverride, "6.9");
  await replay.tick();
  assert.equal(repliesOn(world, other).length, 1, "once");
});
