// Scenario 22: the app is killed (SIGKILL of its process, not an exception) after each step of a rebase: after the
// reply, after the local rebase, after the backup push, after the push of the branch, after the summary. A fresh
// process on the same cache then runs the hourly jobs: the branch ends where an uninterrupted run puts it (on the
// target, the same patches), backups are kept, and the thread holds exactly one reply and one summary.
import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import type { KillStep } from "../../src/adapters/kill-point.ts";
import { parseMeta } from "../../src/domain/tracking-issue.ts";
import { createReplay, OWNER, PEOPLE, REPO } from "../../src/sandbox/replay.ts";
import { findComment, findTrackingIssue, listCommentKeys } from "../../src/sandbox/replay-state.ts";
import { buildCycleSteps, runSteps } from "../../src/sandbox/scenario-cycle.ts";
import { CHRISTIAN, MICKAEL } from "../../src/sandbox/scenario-people.ts";
import { parseGitTime } from "../../src/sandbox/scenario-time.ts";
import { git } from "../adapters/git/git-world.ts";
import { patchIds } from "./git-scenario.ts";
import { runAppChild } from "./crash-world.ts";

const VARIANT = "dev-model"; // dev is moved onto -rc1 on command, right after the cycle's tracking issue opens
const TRIALS: readonly (KillStep | null)[] = [
  null, // the uninterrupted run every other trial must end like
  "effect:reply",
  "rebase:after-local-rebase",
  "rebase:after-backup",
  "rebase:after-push",
  "effect:rebase",
];

const PATCHES = [
  { subject: "selinux: rename the symtab helpers", author: MICKAEL, file: "security/selinux/ss/symtab.c" },
  { subject: "selinux: add a binary policy loader test hook", author: CHRISTIAN, file: "security/selinux/hooks.c" },
];

test("s22: killed after each rebase step, the restarted app converges: one reply, one summary", async (t) => {
  const replay = await createReplay({ variant: VARIANT, signing: "ssh" });
  t.after(() => replay.close());
  const start = buildCycleSteps(VARIANT, replay.releases).filter((step) => step.id === "start");
  await runSteps(replay, start, { deliver: {} });
  await replay.app.close(); // from here on the app only runs as a child process
  const issue = () => findTrackingIssue(replay.forge, OWNER, REPO)!;
  const maintainerDir = join(replay.root, "maintainer.git");
  const devSha = async () => (await replay.forge.refs(OWNER, REPO)).get("refs/heads/dev")!.sha;
  // Two patches on dev (its earlier ones went upstream in -rc1), so the rebase really rewrites commits.
  await replay.maintainer.commitPatches("dev", PATCHES, parseGitTime("2024-01-22T11:00:00Z"));
  const original = await devSha();
  await replay.maintainer.sync();
  const ownPatches = patchIds(maintainerDir, `v6.8-rc1..${original}`);
  assert.equal(ownPatches.length, 2, "dev has patches of its own to carry over");

  for (const [i, killAfter] of TRIALS.entries()) {
    const label = killAfter ?? "uninterrupted";
    const hour = String(10 + i).padStart(2, "0");
    if ((await devSha()) !== original) {
      // Back to where dev was, so the next trial rebases the same patches again (a maintainer's own force push).
      await replay.maintainer.sync();
      // Through the async runner: the forge answers in this process, so a synchronous git would wait forever.
      const lease = `--force-with-lease=refs/heads/dev:${await devSha()}`;
      await replay.maintainer.repo.git.run(["push", lease, "origin", `${original}:refs/heads/dev`]);
    }
    await replay.maintainer.comment(issue().number, "/merge-window rebase");
    const first = await runAppChild(replay, {
      mode: "serve",
      now: `2024-01-23T${hour}:00:00Z`,
      killAfter: killAfter ?? undefined,
    });
    // The forge also delivers the app's own comments of the run before: the maintainer's is the command.
    const command = first.delivered.find(
      (record) =>
        record.event === "issue_comment" &&
        (record.payload as { comment: { user: { login: string } } }).comment.user.login === PEOPLE.maintainer.login,
    );
    assert.ok(command && command.status !== null && command.status < 300, `${label}: the command was acknowledged`);
    const id = (command.payload as { comment: { id: number } }).comment.id;
    if (killAfter) assert.equal(first.signal, "SIGKILL", `${label}: the app was killed there\n${first.log}`);
    else assert.equal(first.code, 0);

    const restart = await runAppChild(replay, { mode: "tick", now: `2024-01-23T${hour}:30:00Z` });
    assert.equal(restart.code, 0, restart.log);

    await replay.maintainer.sync();
    const dev = await devSha();
    assert.notEqual(dev, original, `${label}: dev was rebased`);
    git(maintainerDir, ["merge-base", "--is-ancestor", "v6.8-rc1", dev]); // throws unless dev is on -rc1
    assert.deepEqual(patchIds(maintainerDir, `v6.8-rc1..${dev}`), ownPatches, `${label}: the same patches`);
    const backups = [...(await replay.forge.refs(OWNER, REPO))]
      .filter(([name]) => name.startsWith("refs/merge-window/backup/"))
      .map(([, ref]) => ref.sha);
    assert.ok(backups.length >= i + 1, `${label}: backups are kept`);
    assert.ok(
      backups.every((sha) => sha === original),
      `${label}: every backup holds dev as it was\n${backups.join("\n")}`,
    );
    const keys = listCommentKeys(issue());
    assert.deepEqual(
      keys.filter((key) => key.endsWith(`:${id}`)),
      [`reply:${id}`, `rebase:${id}`],
      `${label}: exactly one reply and one summary\n${keys.join("\n")}`,
    );
    assert.match(
      findComment(issue(), `reply:${id}`)!.body,
      new RegExp(`rebasing \`dev\` \\(${original.slice(0, 12)}\\)`),
    );
    assert.match(findComment(issue(), `rebase:${id}`)!.body, /rebased|onto/);
    assert.ok(parseMeta(issue().body ?? "")?.done.includes(`command:${id}`), `${label}: memory records it handled`);
  }
});
