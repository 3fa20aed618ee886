// Variant B (rebase at rc1) over one whole cycle on the sandbox forge, every webhook delivered twice and every batch
// in reverse order; then every delivery of the cycle sent again (fresh ids, reversed): nothing may change.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { buildGitEnv } from "../../src/adapters/git/runner.ts";
import type { DeliveryRecord } from "../../src/sandbox/forge/index.ts";
import { createReplay, OWNER, REPO, type Replay } from "../../src/sandbox/replay.ts";
import { parseMailComment, runGitRequestPull } from "../../src/sandbox/replay-checks.ts";
import {
  findComment,
  findTrackingIssue,
  listCommentKeys,
  normalizeKey,
  takeSnapshot,
  type ForgeSnapshot,
} from "../../src/sandbox/replay-state.ts";
import { buildCycleSteps, CYCLE_TAGS, runSteps } from "../../src/sandbox/scenario-cycle.ts";

const VARIANT = "rebase-at-rc1";

function git(cwd: string, args: readonly string[]): Promise<{ stdout: string; status: number }> {
  return new Promise((resolve) => {
    execFile("git", args, { cwd, env: buildGitEnv() }, (error, stdout) =>
      resolve({ stdout: stdout.trim(), status: error ? Number(error.code ?? 1) : 0 }),
    );
  });
}

describe("variant B: a whole cycle with duplicated and reordered deliveries", () => {
  let replay: Replay;
  const resent: { before?: ForgeSnapshot; after?: ForgeSnapshot; records?: DeliveryRecord[] } = {};
  let nextAtRc1: string | undefined;

  before(async () => {
    replay = await createReplay({ variant: VARIANT });
    await runSteps(
      replay,
      buildCycleSteps(VARIANT, replay.releases),
      { deliver: { order: "reverse", duplicate: true } },
      {
        before: async (step) => {
          if (step.id === "decide-rebase")
            nextAtRc1 = (await replay.forge.refs(OWNER, REPO)).get("refs/heads/next")?.sha;
        },
      },
    );
    resent.before = await takeSnapshot(replay.forge, OWNER, REPO);
    const unique = [...new Map(replay.forge.deliveries.map((record) => [record.id, record])).values()];
    resent.records = unique.reverse();
    await replay.resend(resent.records, { freshIds: true });
    await replay.resend(resent.records.slice(0, 10), { freshIds: false });
    await replay.tick();
    resent.after = await takeSnapshot(replay.forge, OWNER, REPO);
    await replay.maintainer.sync();
  });
  after(() => replay?.close());

  it("advises, rebases at rc1 (backup first), copies next to stable-6.9 at window open, mails, closes", async () => {
    const issue = findTrackingIssue(replay.forge, OWNER, REPO)!;
    assert.equal(replay.forge.issues(OWNER, REPO).length, 1);
    assert.deepEqual([issue.title, issue.state], ["merge-window: v6.9 (selinux)", "closed"]);
    assert.deepEqual(listCommentKeys(issue).map(normalizeKey), [
      "advise-rebase:v6.8-rc1",
      "remind:cycle-start",
      "remind:rebase-by",
      "reply:#",
      "rebase:#",
      "fixes:stable-6.8@sha",
      `request-pull:${CYCLE_TAGS.fixes}`,
      `merged:${CYCLE_TAGS.fixes}`,
      "remind:late",
      "remind:window-soon",
      "remind:window-open",
      "propose-tag:stable-6.9@sha",
      "reply:#:denied:omosnace", // the contributor's create-stable
      "reply:#:denied:lurker", // the reader's status
      `request-pull:${CYCLE_TAGS.window}`,
      `merged:${CYCLE_TAGS.window}`,
    ]);
    assert.match(
      findComment(issue, "advise-rebase:v6.8-rc1")!.body,
      /for `next` onto `v6\.8-rc1`:\n- based on `v6\.7`.*2 commit\(s\) of ours/,
    );
    assert.match(
      findComment(issue, "remind:cycle-start")!.body,
      /Decide now, before merging patches, whether `next` needs a rebase onto `v6\.8-rc1`/,
    );

    const refs = await replay.forge.refs(OWNER, REPO);
    const backups = [...refs].filter(([ref]) => ref.startsWith("refs/merge-window/backup/"));
    assert.deepEqual(
      backups.map(([ref, state]) => [ref, state.sha]),
      [[`refs/merge-window/backup/next-20240123T140000Z-${nextAtRc1!.slice(0, 12)}`, nextAtRc1]],
    );
    const repo = replay.maintainer.repo.dir;
    assert.equal(
      (await git(repo, ["merge-base", "--is-ancestor", "v6.8-rc1", "refs/remotes/origin/next"])).status,
      0,
      "next is on v6.8-rc1",
    );
    assert.equal((await git(repo, ["rev-list", "--count", "v6.8-rc1..refs/remotes/origin/stable-6.9"])).stdout, "8");
    assert.equal(refs.get("refs/heads/stable-6.9")!.sha, refs.get("refs/heads/next")!.sha);
    assert.ok(
      !issue.comments.some(
        (comment) =>
          comment.body.includes("/merge-window create-stable") &&
          !comment.author.endsWith("[bot]") &&
          comment.author !== "omosnace",
      ),
      "nobody asked for stable-6.9",
    );

    assert.deepEqual(
      replay.forge.checkRuns(OWNER, REPO).map((run) => [run.name, run.conclusion]),
      [
        [`merge-window / tag ${CYCLE_TAGS.fixes}`, "success"],
        [`merge-window / tag ${CYCLE_TAGS.impossible}`, "failure"],
        [`merge-window / tag ${CYCLE_TAGS.window}`, "success"],
      ],
    );
    for (const [tag, base] of [
      [CYCLE_TAGS.fixes, "selinux-pr-20240108"],
      [CYCLE_TAGS.window, "v6.8-rc1"],
    ] as const) {
      const mail = parseMailComment(findComment(issue, `request-pull:${tag}`)!.body);
      assert.ok(mail);
      assert.equal(mail.base, base);
      assert.equal(mail.requestPull, await runGitRequestPull(repo, mail));
    }
  });

  it("duplicated and reordered deliveries change nothing, and neither does every delivery sent again", () => {
    const attempts = new Map<string, number>();
    for (const record of replay.forge.deliveries)
      attempts.set(record.id, Math.max(attempts.get(record.id) ?? 0, record.attempt));
    assert.ok(
      [...attempts.values()].every((count) => count >= 2),
      "every delivery of the cycle reached the app twice",
    );
    assert.ok(replay.forge.deliveries.every((record) => record.status === 200));
    assert.ok(
      resent.records!.filter((record) => record.event === "push").length >= 7,
      "every push was among the resent deliveries",
    );
    assert.ok(
      resent.records!.some(
        (record) =>
          record.event === "issue_comment" &&
          !String((record.payload.sender as { login: string }).login).endsWith("[bot]"),
      ),
    );
    assert.deepEqual(resent.after, resent.before);
  });
});
