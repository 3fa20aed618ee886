// Variant A (rebase at window open) over one whole cycle on the sandbox forge, with the real app: v6.8-rc1 → v6.8 →
// the v6.9 window → Linus merges. Also: a restart mid-cycle, a maintainer push racing the rebase, the routes used.
// Every assertion reads the forge's final state (refs via git, issues, comments, check runs), not the app's logs.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import type { Endpoints } from "@octokit/types";
import { buildGitEnv } from "../../src/adapters/git/runner.ts";
import { FORGE_ROUTE_KEYS } from "../../src/sandbox/forge/index.ts";
import { createReplay, OWNER, REPO, type Replay } from "../../src/sandbox/replay.ts";
import { parseMailComment, runGitRequestPull } from "../../src/sandbox/replay-checks.ts";
import {
  findComment,
  findTrackingIssue,
  listCommentKeys,
  normalizeKey,
  readChecklist,
  takeSnapshot,
  type ForgeSnapshot,
} from "../../src/sandbox/replay-state.ts";
import { buildCycleSteps, CYCLE_TAGS, RACING_PATCH, runSteps } from "../../src/sandbox/scenario-cycle.ts";

const VARIANT = "rebase-at-window-open";

function git(cwd: string, args: readonly string[]): Promise<{ stdout: string; status: number }> {
  return new Promise((resolve) => {
    execFile("git", args, { cwd, env: buildGitEnv() }, (error, stdout) =>
      resolve({ stdout: stdout.trim(), status: error ? Number(error.code ?? 1) : 0 }),
    );
  });
}

describe("variant A: a whole cycle against the forge", () => {
  let replay: Replay;
  const restart: { before?: ForgeSnapshot; after?: ForgeSnapshot; requests?: number } = {};
  const race: { nextBefore?: string; nextAfterRace?: string; racing?: string } = {};

  before(async () => {
    replay = await createReplay({ variant: VARIANT, interceptAppPushes: true });
    const refOf = async (ref: string) => (await replay.forge.refs(OWNER, REPO)).get(ref)?.sha;
    await runSteps(
      replay,
      buildCycleSteps(VARIANT, replay.releases, { raceRebase: true }),
      { deliver: {} },
      {
        before: async (step) => {
          if (step.id === "rebase") race.nextBefore = await refOf("refs/heads/next");
        },
        after: async (step) => {
          if (step.id === "v6.8-rc7") {
            // A brand-new app (fresh cache: it clones again) starting as `npm start` does: poll, then reconcile.
            restart.before = await takeSnapshot(replay.forge, OWNER, REPO);
            const from = replay.appRequests().length;
            await replay.restartApp();
            await replay.poll();
            await replay.tick();
            restart.after = await takeSnapshot(replay.forge, OWNER, REPO);
            restart.requests = replay.appRequests().length - from;
          }
          if (step.id === "rebase") {
            race.nextAfterRace = await refOf("refs/heads/next");
            await replay.maintainer.sync();
            race.racing = (
              await git(replay.maintainer.repo.dir, ["log", "-1", "--format=%H %s", "refs/remotes/origin/next"])
            ).stdout;
          }
        },
      },
    );
    await replay.maintainer.sync();
  });
  after(() => replay?.close());

  it("opens the issue, reminds, advises, rebases (backup), creates stable-6.9, checks, mails, closes", async () => {
    const issues = replay.forge.issues(OWNER, REPO);
    assert.equal(issues.length, 1, "one tracking issue for the cycle");
    const issue = findTrackingIssue(replay.forge, OWNER, REPO)!;
    assert.deepEqual(
      [issue.title, issue.state, issue.author, issue.labels],
      ["merge-window: v6.9 (selinux)", "closed", "merge-window[bot]", ["merge-window"]],
    );
    assert.deepEqual(listCommentKeys(issue).map(normalizeKey), [
      "remind:cycle-start",
      "fixes:stable-6.8@sha",
      `request-pull:${CYCLE_TAGS.fixes}`,
      `merged:${CYCLE_TAGS.fixes}`,
      "remind:late",
      "remind:window-soon",
      "advise-rebase:v6.8",
      "remind:window-open",
      "reply:#:denied:omosnace", // the contributor's create-stable: denied
      "reply:#:denied:lurker", // the reader's status: denied
      "reply:#", // the reply says what is about to happen, before the result
      "rebase:#", // refused: the maintainer's push raced it
      "reply:#",
      "rebase:#",
      "reply:#", // create-stable
      "propose-tag:stable-6.9@sha",
      `request-pull:${CYCLE_TAGS.window}`,
      `merged:${CYCLE_TAGS.window}`,
    ]);
    assert.equal(new Set(listCommentKeys(issue)).size, listCommentKeys(issue).length, "no comment posted twice");
    assert.deepEqual(
      readChecklist(issue.body).map((line) => line.replace(/\): .*$/, ")")),
      [
        "✅ Decide whether to rebase next onto the release (done)",
        "✅ Rebase next (if decided), very early in the window (done)",
        "✅ Copy next to stable-6.9 (done)",
        "✅ Signed tag on stable-6.9 (done)",
        "✅ [GIT PULL] request written (done)",
        "✅ Merged upstream (done)",
      ],
    );
    const bodies = issue.comments.map((comment) => `${comment.author}: ${comment.body}`);
    assert.ok(
      bodies.some((body) =>
        new RegExp(
          /^merge-window\[bot\]: @omosnace `\/merge-window create-stable` needs maintain permission .* /.source +
            /yours is write\. Nothing was done\./.source,
        ).test(body),
      ),
    );
    assert.ok(
      bodies.some((body) =>
        new RegExp(
          /^merge-window\[bot\]: @lurker `\/merge-window status` needs write permission .* yours is read\. /.source +
            /Nothing was done\./.source,
        ).test(body),
      ),
    );
    assert.match(
      findComment(issue, "advise-rebase:v6.8")!.body,
      new RegExp(
        /Rebase advice\*\* for `next` onto `v6\.8`:\n- based on `v6\.7`, \d+ upstream commit\(s\) behind /.source +
          /`v6\.8`; 8 commit\(s\) of ours\.[\s\S]*a trial rebase applies cleanly/.source,
      ),
    );

    const refs = await replay.forge.refs(OWNER, REPO);
    const backups = [...refs.keys()].filter((ref) => ref.startsWith("refs/merge-window/backup/next-"));
    assert.deepEqual(
      backups.map((ref) => ref.replace(/-[0-9a-f]{12}$/, "")),
      ["refs/merge-window/backup/next-20240311T093000Z", "refs/merge-window/backup/next-20240311T094500Z"],
    );
    assert.equal(
      refs.get(backups[0]!)!.sha,
      race.nextBefore,
      "the first backup holds next as it was before any rebase",
    );
    const maintainerRepo = replay.maintainer.repo.dir;
    assert.equal(
      (await git(maintainerRepo, ["merge-base", "--is-ancestor", "v6.8", "refs/remotes/origin/next"])).status,
      0,
      "next is on v6.8",
    );
    assert.equal(
      refs.get("refs/heads/stable-6.9")!.sha,
      refs.get("refs/heads/next")!.sha,
      "stable-6.9 is next at the rebased commit",
    );
    const stableSubjects = (
      await git(maintainerRepo, ["log", "--format=%s", "v6.8..refs/remotes/origin/stable-6.9"])
    ).stdout.split("\n");
    assert.equal(stableSubjects.length, 9, "two early patches, six of the cycle and the racing one, none lost");

    const tagCommit = (name: string) => refs.get(`refs/tags/${name}`)!.commit!;
    assert.deepEqual(
      replay.forge.checkRuns(OWNER, REPO).map((run) => [run.name, run.headSha, run.status, run.conclusion]),
      [
        [`merge-window / tag ${CYCLE_TAGS.fixes}`, tagCommit(CYCLE_TAGS.fixes), "completed", "success"],
        [`merge-window / tag ${CYCLE_TAGS.impossible}`, tagCommit(CYCLE_TAGS.impossible), "completed", "failure"],
        [`merge-window / tag ${CYCLE_TAGS.window}`, tagCommit(CYCLE_TAGS.window), "completed", "success"],
      ],
    );
    assert.match(replay.forge.checkRuns(OWNER, REPO)[1]!.summary!, /impossible-date/);
    const master = await replay.upstream.head();
    assert.equal(
      (await git(replay.upstream.dir, ["merge-base", "--is-ancestor", tagCommit(CYCLE_TAGS.window), master])).status,
      0,
    );
    assert.match(
      findComment(issue, `merged:${CYCLE_TAGS.window}`)!.body,
      new RegExp(`has been merged upstream: ${master}`),
    );
  });

  it("each [GIT PULL] mail's request-pull part is what git request-pull prints on the sandbox repos", async () => {
    const issue = findTrackingIssue(replay.forge, OWNER, REPO)!;
    for (const [tag, base] of [
      [CYCLE_TAGS.fixes, "selinux-pr-20240108"],
      [CYCLE_TAGS.window, "v6.8"],
    ] as const) {
      const mail = parseMailComment(findComment(issue, `request-pull:${tag}`)!.body);
      assert.ok(mail, `the ${tag} comment is a [GIT PULL] mail`);
      assert.deepEqual([mail.tag, mail.base, mail.subject], [tag, base, `[GIT PULL] selinux/${tag}`]);
      assert.equal(mail.url, `${replay.appGitBaseUrl}/${OWNER}/${REPO}.git`);
      assert.equal(mail.requestPull, await runGitRequestPull(replay.maintainer.repo.dir, mail));
    }
  });

  it("a restart in the middle of the cycle (a new app, a fresh cache) changes nothing", () => {
    assert.ok(restart.before && restart.after);
    assert.deepEqual(restart.after, restart.before);
    assert.ok((restart.requests ?? 0) > 0, "the new app did run (and read the forge)");
  });

  it("a push racing the rebase survives: the app's push is refused, the commit stays, a comment says so", () => {
    const issue = findTrackingIssue(replay.forge, OWNER, REPO)!;
    const [refused, done] = issue.comments.filter(
      (comment) =>
        comment.author.endsWith("[bot]") && /^<!-- merge-window:rebase:/m.test(comment.body.split("\n").at(-1)!),
    );
    assert.match(
      refused!.body,
      new RegExp(
        /^Rebase refused \(push-rejected\): origin refused the update of next from [0-9a-f]{12}.*`next` /.source +
          /was not changed\./.source,
      ),
    );
    assert.match(
      race.racing!,
      new RegExp(`^${race.nextAfterRace} ${RACING_PATCH.subject}$`),
      "right after the race, next is the maintainer's commit",
    );
    assert.notEqual(race.nextAfterRace, race.nextBefore);
    assert.match(
      done!.body,
      new RegExp(
        /^Rebased `next` onto `v6\.8`: [0-9a-f]{12} → [0-9a-f]{12}\.\nThe old `next` is kept at /.source +
          /`refs\/merge-window\/backup\/next-20240311T094500Z-/.source,
      ),
    );
    assert.ok(
      done!.body.includes(race.nextAfterRace!.slice(0, 12)),
      "the second rebase started from the maintainer's commit",
    );
  });

  it("every REST route the app called is a route of GitHub's API (a key of @octokit/types Endpoints)", () => {
    const routes = new Set(
      replay
        .appRequests()
        .filter((entry) => !entry.route?.includes(".git/"))
        .map((entry) => `${entry.method} ${entry.route}`),
    );
    const known: ReadonlySet<string> = new Set(FORGE_ROUTE_KEYS satisfies readonly (keyof Endpoints)[]);
    assert.deepEqual(
      [...routes].filter((route) => !known.has(route)),
      [],
    );
    assert.ok(
      routes.has("POST /repos/{owner}/{repo}/issues/{issue_number}/comments") &&
        routes.has("POST /repos/{owner}/{repo}/check-runs"),
    );
    assert.deepEqual(
      replay.forge.requests.filter((entry) => entry.route === null),
      [],
      "no request missed the route table",
    );
  });
});
