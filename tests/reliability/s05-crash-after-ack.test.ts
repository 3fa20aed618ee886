// Scenario 5 (and 22's other steps): the app acknowledges a webhook and is then killed (SIGKILL of its process)
// after a step: after the memory write that records a command (before its reply); after the note announcing an
// invalid tag's deletion (before the push deleting it); after that push. GitHub is the durable log: a fresh process
// on the same cache runs the hourly jobs and ends as an uninterrupted run would, with exactly one reply or note.
// (The kill after the push creating stable-X.Y at window open: s22-crash-stable-creation.test.ts.)
import { test } from "node:test";
import assert from "node:assert/strict";
import { parseMeta } from "../../src/domain/tracking-issue.ts";
import { createReplay, OWNER, REPO } from "../../src/sandbox/replay.ts";
import { findTrackingIssue, listCommentKeys } from "../../src/sandbox/replay-state.ts";
import { buildCycleSteps, runSteps } from "../../src/sandbox/scenario-cycle.ts";
import { ONDREJ } from "../../src/sandbox/scenario-people.ts";
import { parseGitTime } from "../../src/sandbox/scenario-time.ts";
import { runAppChild, type ChildRun } from "./crash-world.ts";

const VARIANT = "dev-model"; // deletes invalid tags
/** An unsigned family tag per kill point of the deletion, each pushed on its own day. */
const DELETIONS = [
  { killAfter: "delete-tag:after-note", tag: "selinux-pr-20240124", day: "2024-01-24" },
  { killAfter: "delete-tag:after-delete", tag: "selinux-pr-20240125", day: "2024-01-25" },
] as const;

test("s05: killed after the ack, at a step of a reply and of a tag deletion: the restart converges", async (t) => {
  const replay = await createReplay({ variant: VARIANT, signing: "ssh" });
  t.after(() => replay.close());
  const start = buildCycleSteps(VARIANT, replay.releases).filter((step) => step.id === "start");
  await runSteps(replay, start, { deliver: {} });
  await replay.app.close(); // from here on the app only runs as a child process
  const issue = () => findTrackingIssue(replay.forge, OWNER, REPO)!;
  const keys = () => listCommentKeys(issue());
  const killed = (run: ChildRun, step: string) =>
    assert.equal(run.signal, "SIGKILL", `the app was killed after ${step}\n${run.log}`);

  // 1. A command whose reply only reports a decision: killed after the memory write, before the reply.
  await replay.maintainer.comment(issue().number, "/merge-window skip-rebase");
  const served = await runAppChild(replay, {
    mode: "serve",
    now: "2024-01-23T10:00:00Z",
    killAfter: "effect:update-tracking-issue",
  });
  killed(served, "the memory write");
  const delivery = served.delivered.find((record) => record.event === "issue_comment");
  assert.ok(delivery && delivery.status !== null && delivery.status < 300, "acknowledged before the work");
  assert.equal(parseMeta(issue().body ?? "")?.rebaseDecision?.choice, "skip", "the decision was recorded");
  const id = (delivery.payload as { comment: { id: number } }).comment.id;
  assert.ok(!keys().includes(`reply:${id}`), "and the reply was not posted");
  await runAppChild(replay, { mode: "tick", now: "2024-01-23T11:00:00Z" });
  await runAppChild(replay, { mode: "tick", now: "2024-01-23T12:00:00Z" });
  assert.deepEqual(
    keys().filter((key) => key === `reply:${id}`),
    [`reply:${id}`],
    "the restarted app answered, once",
  );

  // 2. Unsigned family tags: killed after the note saying the tag is being deleted (the tag is still there), and
  // after the push that deleted it (the note is there). Either way: the tag ends deleted, said exactly once.
  // On a fix of its own: stable-6.8's tip is upstream already, and tags merged upstream are no longer judged.
  const fix = await replay.maintainer.commitPatches(
    "stable-6.8",
    [{ subject: "selinux: fix a leak", author: ONDREJ, file: "security/selinux/ss/conditional.c" }],
    parseGitTime("2024-01-24T08:00:00Z"),
  );
  for (const { killAfter, tag, day } of DELETIONS) {
    const object = await replay.maintainer.tag({
      name: tag,
      target: fix,
      at: parseGitTime(`${day}T09:00:00Z`),
      message: `selinux/stable-6.8 PR ${day.replace(/-/g, "")}`,
      signed: false,
    });
    await replay.maintainer.pushTags([tag]);
    killed(await runAppChild(replay, { mode: "serve", now: `${day}T09:05:00Z`, killAfter }), killAfter);
    const notes = () => keys().filter((key) => key.startsWith(`delete-tag:${tag}`));
    assert.deepEqual(notes(), [`delete-tag:${tag}@${object}`], `${killAfter}: the note was posted before the kill`);
    const onForge = async () => (await replay.forge.refs(OWNER, REPO)).has(`refs/tags/${tag}`);
    assert.equal(
      await onForge(),
      killAfter === "delete-tag:after-note",
      `${killAfter}: the tag is there until deleted`,
    );
    await runAppChild(replay, { mode: "tick", now: `${day}T10:00:00Z` });
    await runAppChild(replay, { mode: "tick", now: `${day}T11:00:00Z` });
    assert.equal(await onForge(), false, `${killAfter}: the tag is deleted`);
    assert.deepEqual(notes(), [`delete-tag:${tag}@${object}`], `${killAfter}: said exactly once\n${keys().join("\n")}`);
    const checks = replay.forge.checkRuns(OWNER, REPO).filter((run) => run.name === `merge-window / tag ${tag}`);
    assert.deepEqual(
      checks.map((run) => [run.conclusion, /unsigned/.test(run.summary ?? "")]),
      [["failure", true]],
      `${killAfter}: one check, still saying why`,
    );
  }
});
