// `merge-window rebase` and `merge-window create-stable`: the app's rebase and stable-branch effects, run by the
// maintainer in his clone against his push remote, through the same git layer (backup first, lease on the SHA read).
import { buildBackupRef } from "../adapters/git/rebase.ts";
import { buildPushArgs, UPSTREAM_TAGS } from "../adapters/git/refs.ts";
import { assertSafeRefName } from "../domain/names.ts";
import { parseAtOption, type CommandArgs } from "./args.ts";
import { CliFailure, type CliIo } from "./io.ts";
import { confirmPlan, localSha, readPushRemote, remoteSha } from "./plan.ts";
import { observeCycle, openSession } from "./session.ts";

/** What the git layer's worktree fallback runs (rebase-steps.ts), shown by --dry-run. */
const REBASE_ARGS = [
  "rebase",
  "--no-autostash",
  "--no-autosquash",
  "--no-update-refs",
  "--no-verify",
  "--quiet",
  "--end-of-options",
];

/** What the git layer's replay runs for each commit of next (replay.ts), shown by --dry-run. */
const REPLAY_ARGS = [
  ["merge-tree", "--write-tree", "--name-only", "-z", "--no-messages", "--end-of-options", "<stand-in>", "<commit>"],
  ["hash-object", "-t", "commit", "-w", "--no-filters", "--", "<the commit copied onto the result>"],
];

export async function runRebase(args: CommandArgs, io: CliIo): Promise<number> {
  const now = args.values.at === undefined ? io.now() : parseAtOption(args.values.at);
  const session = await openSession(args.values, io);
  const { cycle } = (await observeCycle(session, now)).view;
  const onto = args.values.onto === undefined ? cycle.rebaseOnto : assertSafeRefName(args.values.onto, "--onto tag");
  const branch = cycle.sourceBranch;
  const ref = `refs/heads/${branch}`;
  const old = await readInSync(session, io, ref, branch);
  const advice = await session.git.adviseRebase({ onto, nextBranch: branch, expectedSha: old });
  if (advice.refusal) throw new CliFailure(advice.refusal.message);
  if (advice.trial?.newHead === old)
    return report(
      args,
      io,
      { status: "unchanged", branch, sha: old, onto },
      `${branch} is already on ${onto}: nothing to do`,
    );
  if (!advice.trial?.clean)
    throw new CliFailure(
      `rebasing ${branch} onto ${onto} would fail: ${advice.trial?.conflicts.join(", ") || "see advise-rebase"}`,
    );
  const backupRef = buildBackupRef(branch, old, now);
  const newSha = advice.trial.newHead!;
  const decision = await confirmPlan(
    args,
    io,
    [
      `rebase ${branch} (${old.slice(0, 12)}, ${advice.ownCommits} own commit(s)) onto ${onto}: ` +
        "each commit replayed " +
        (advice.trial.worktreeReason
          ? `by git rebase in a temporary worktree, because ${advice.trial.worktreeReason}`
          : "with git merge-tree, no checkout"),
      `check every commit is still there (patch-id), then push the backup ${backupRef}`,
      `push ${branch} to ${session.remote} only if it is still ${old.slice(0, 12)} (lease)`,
    ],
    [
      ...(advice.trial.worktreeReason
        ? [
            ["worktree", "add", "--detach", "--quiet", "--end-of-options", "<temporary directory>", old],
            [
              "-C",
              "<temporary directory>",
              ...REBASE_ARGS,
              (await localSha(session, `${UPSTREAM_TAGS}${onto}^{commit}`))!,
            ],
          ]
        : REPLAY_ARGS),
      buildPushArgs(session.remote, [{ sha: old, lease: { ref: backupRef, expect: "" } }]),
      buildPushArgs(session.remote, [{ sha: newSha, lease: { ref, expect: old } }]),
    ],
  );
  if (decision === "dry-run") return 0;
  const result = await session.git.rebaseNext({ onto, nextBranch: branch, expectedSha: old, now });
  if (result.status === "refused") throw new CliFailure(result.message);
  if (result.status === "unchanged") return report(args, io, result, `${branch} is already on ${onto}: nothing to do`);
  const local = await moveLocalBranch(session, ref, result.oldSha, result.newSha);
  return report(
    args,
    io,
    { ...result, local },
    `rebased ${branch} onto ${onto}: ${result.oldSha.slice(0, 12)} -> ${result.newSha.slice(0, 12)}; ` +
      `backup ${result.backupRef} on ${session.remote}\n${local}`,
  );
}

export async function runCreateStable(args: CommandArgs, io: CliIo): Promise<number> {
  const now = args.values.at === undefined ? io.now() : parseAtOption(args.values.at);
  const session = await openSession(args.values, io);
  const { cycle } = (await observeCycle(session, now)).view;
  const name = cycle.stableBranch;
  const ref = `refs/heads/${name}`;
  const sha = await readInSync(session, io, `refs/heads/${cycle.sourceBranch}`, cycle.sourceBranch);
  const there = remoteSha(await readPushRemote(session, io, session.remote), ref);
  if (there === sha)
    return report(
      args,
      io,
      { status: "exists", name, sha },
      `${name} already exists at ${sha.slice(0, 12)}: nothing to do`,
    );
  if (there !== null)
    throw new CliFailure(
      `${name} already exists on ${session.remote} at ${there.slice(0, 12)}, not at ${cycle.sourceBranch} ` +
        `(${sha.slice(0, 12)}); it is never moved`,
    );
  const decision = await confirmPlan(
    args,
    io,
    [`create ${name} on ${session.remote} at ${cycle.sourceBranch} (${sha.slice(0, 12)}), only if it does not exist`],
    [buildPushArgs(session.remote, [{ sha, lease: { ref, expect: "" } }])],
  );
  if (decision === "dry-run") return 0;
  const result = await session.git.createStableBranch({ name, sha });
  if (result.status === "refused") throw new CliFailure(result.message);
  if (!(await localSha(session, ref)))
    await session.runner.run(["branch", "--no-track", "--end-of-options", name, sha]);
  return report(
    args,
    io,
    result,
    `${result.status === "created" ? "created" : "found"} ${name} at ${sha.slice(0, 12)} on ${session.remote}`,
  );
}

/** The branch's SHA here, which must be the push remote's too (else the plan would rest on a stale read). */
async function readInSync(session: Parameters<typeof localSha>[0], io: CliIo, ref: string, branch: string) {
  const here = await localSha(session, ref);
  if (!here) throw new CliFailure(`branch ${branch} does not exist in ${session.repo.dir}`);
  const there = remoteSha(await readPushRemote(session, io, session.remote), ref);
  if (there !== here)
    throw new CliFailure(
      `${branch} is ${here.slice(0, 12)} here but ${there?.slice(0, 12) ?? "absent"} on ${session.remote}: ` +
        `push or pull it first`,
    );
  return here;
}

/** Moves the local branch to the pushed result when it is not checked out; otherwise says how. */
async function moveLocalBranch(session: Parameters<typeof localSha>[0], ref: string, old: string, sha: string) {
  const head = (await session.runner.tryRun(["symbolic-ref", "--quiet", "HEAD"]))?.trim();
  if (head === ref) return `${ref.slice(11)} is checked out: run git reset --keep ${sha.slice(0, 12)} to follow it`;
  const moved = await session.runner.tryRun(["update-ref", "--end-of-options", ref, sha, old]);
  return moved === null
    ? `your ${ref.slice(11)} moved meanwhile; it was left as it is`
    : `your ${ref.slice(11)} now points at ${sha.slice(0, 12)}`;
}

/** Prints the result (text, or JSON with --json) and returns 0. */
export function report(args: CommandArgs, io: CliIo, result: object, text: string): number {
  io.stdout(args.values.json ? `${JSON.stringify(result, null, 2)}\n` : `${text}\n`);
  return 0;
}
