// Variant C (the dev model) over one whole cycle on the sandbox forge: dev moved onto -rc1 on command, stable-6.9
// duplicated from dev at window open, SSH-signed tags checked against the repository's allowed_signers; the window's
// tags pushed four at once (GitHub sends no webhook for them) are found by the scheduled sweep.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import type { DeliveryRecord } from "../../src/sandbox/forge/index.ts";
import { createReplay, OWNER, REPO, type Replay } from "../../src/sandbox/replay.ts";
import { parseMailComment, runGitRequestPull } from "../../src/sandbox/replay-checks.ts";
import {
  findComment,
  findTrackingIssue,
  listCommentKeys,
  normalizeKey,
  readChecklist,
} from "../../src/sandbox/replay-state.ts";
import { buildCycleSteps, CYCLE_TAGS, runSteps } from "../../src/sandbox/scenario-cycle.ts";

const VARIANT = "dev-model";
const BAD = [CYCLE_TAGS.impossible, CYCLE_TAGS.lightweight, CYCLE_TAGS.unsigned];
const WINDOW_TAGS: ReadonlySet<string> = new Set([...BAD, CYCLE_TAGS.window]);

/**
 * `git request-pull` as current git prints it for an SSH-signed tag: git 2.39 (this machine's) cuts the tag message
 * only at a PGP signature and prints an SSH signature block too; later git stops at SSH signatures as well, and so
 * does merge-window.
 */
async function gitRequestPull(repoDir: string, mail: { base: string; url: string; tag: string }): Promise<string> {
  return (await runGitRequestPull(repoDir, mail)).replace(
    /^-----BEGIN SSH SIGNATURE-----\n[\s\S]*?^-----END SSH SIGNATURE-----\n/m,
    "",
  );
}

describe("variant C: a whole cycle of the dev model, with the tag sweep", () => {
  let replay: Replay;
  const sweep: { pushed?: DeliveryRecord[]; checksBefore?: number; tagsOnForge?: string[] } = {};
  let devAtRc1: string | undefined;

  before(async () => {
    replay = await createReplay({ variant: VARIANT, signing: "ssh" });
    await runSteps(
      replay,
      buildCycleSteps(VARIANT, replay.releases),
      { deliver: {} },
      {
        before: async (step) => {
          if (step.id === "decide-rebase") devAtRc1 = (await replay.forge.refs(OWNER, REPO)).get("refs/heads/dev")?.sha;
          if (step.id === "tags") sweep.pushed = [];
          if (step.id === "sweep") sweep.checksBefore = replay.forge.checkRuns(OWNER, REPO).length;
        },
        after: async (step) => {
          if (step.id === "tags") {
            sweep.pushed = replay.forge.deliveries
              .filter((record) => record.event === "push" || record.event === "create")
              .slice(-10);
            sweep.tagsOnForge = [...(await replay.forge.refs(OWNER, REPO)).keys()].filter((ref) =>
              WINDOW_TAGS.has(ref.slice("refs/tags/".length)),
            );
          }
        },
      },
    );
  });
  after(() => replay?.close());

  it("moves dev onto -rc1 (backup first), copies it to stable-6.9 at window open, checks, mails, closes", async () => {
    const issue = findTrackingIssue(replay.forge, OWNER, REPO)!;
    assert.deepEqual(
      [issue.title, issue.state, replay.forge.issues(OWNER, REPO).length],
      ["merge-window: v6.9 (selinux)", "closed", 1],
    );
    const keys = listCommentKeys(issue).map(normalizeKey);
    assert.deepEqual(keys, [
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
      ...BAD.map((tag) => `delete-tag:${tag}@sha`),
      `request-pull:${CYCLE_TAGS.window}`,
      `merged:${CYCLE_TAGS.window}`,
    ]);
    assert.match(findComment(issue, "advise-rebase:v6.8-rc1")!.body, /for `dev` onto `v6\.8-rc1`/);
    assert.ok(
      readChecklist(issue.body).includes(
        "✅ Duplicate dev into stable-6.9 (done): stable-6.9 at " +
          (await replay.forge.refs(OWNER, REPO)).get("refs/heads/stable-6.9")!.sha.slice(0, 12),
      ),
    );

    const refs = await replay.forge.refs(OWNER, REPO);
    assert.deepEqual(
      [...refs].filter(([ref]) => ref.startsWith("refs/merge-window/backup/")).map(([ref, state]) => [ref, state.sha]),
      [[`refs/merge-window/backup/dev-20240123T140000Z-${devAtRc1!.slice(0, 12)}`, devAtRc1]],
    );
    assert.equal(refs.get("refs/heads/stable-6.9")!.sha, refs.get("refs/heads/dev")!.sha);
    await replay.maintainer.sync();
    const mail = parseMailComment(findComment(issue, `request-pull:${CYCLE_TAGS.window}`)!.body)!;
    assert.equal(mail.base, "v6.8-rc1");
    assert.equal(mail.requestPull, await gitRequestPull(replay.maintainer.repo.dir, mail));
    assert.match(mail.requestPull, /^Christian Göttsche \(1\):\n {6}selinux: add a binary policy loader test hook$/m);
    const fixes = parseMailComment(findComment(issue, `request-pull:${CYCLE_TAGS.fixes}`)!.body)!;
    assert.equal(fixes.requestPull, await gitRequestPull(replay.maintainer.repo.dir, fixes));
  });

  it("four tags pushed at once send no webhook; the hourly sweep checks each, deletes bad ones, mails", async () => {
    assert.deepEqual(
      sweep.pushed!.filter((record) => WINDOW_TAGS.has(String(record.payload.ref).replace(/^refs\/tags\//, ""))),
      [],
      "GitHub sends nothing for more than three tags",
    );
    assert.deepEqual(sweep.tagsOnForge!.sort(), [...BAD, CYCLE_TAGS.window].map((tag) => `refs/tags/${tag}`).sort());
    const checks = replay.forge.checkRuns(OWNER, REPO).slice(sweep.checksBefore);
    assert.deepEqual(
      checks.map((run) => [run.name.replace("merge-window / tag ", ""), run.conclusion]).sort(),
      [
        [CYCLE_TAGS.lightweight, "failure"],
        [CYCLE_TAGS.unsigned, "failure"],
        [CYCLE_TAGS.impossible, "failure"],
        [CYCLE_TAGS.window, "success"],
      ].sort(),
    );
    const summaries = Object.fromEntries(
      checks.map((run) => [run.name.replace("merge-window / tag ", ""), run.summary ?? ""]),
    );
    assert.match(summaries[CYCLE_TAGS.impossible]!, /impossible-date/);
    assert.match(summaries[CYCLE_TAGS.unsigned]!, /unsigned/);
    assert.match(summaries[CYCLE_TAGS.lightweight]!, /lightweight/);
    const tags = [...(await replay.forge.refs(OWNER, REPO)).keys()].filter((ref) =>
      WINDOW_TAGS.has(ref.slice("refs/tags/".length)),
    );
    assert.deepEqual(
      tags,
      [`refs/tags/${CYCLE_TAGS.window}`],
      "automation.deleteInvalidTags removed the three bad tags",
    );
  });
});
