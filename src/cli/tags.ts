// `merge-window tag-name` (the next tag to sign and the commands) and `merge-window check-tag TAG` (C5, C6).
import { parseAtOption, parseDateOption, type CommandArgs } from "./args.ts";
import { CliFailure, type CliIo } from "./io.ts";
import { observeCycle, openSession } from "./session.ts";
import { assertSafeRefName } from "../domain/names.ts";
import { buildTagCommandLines } from "../domain/machine/proposal.ts";
import { deriveTagProposal } from "../domain/machine/queries.ts";
import { buildTagPolicy, familyGlob, verifyTag } from "../observe.ts";

export async function runTagName(args: CommandArgs, io: CliIo): Promise<number> {
  const now = args.values.at === undefined ? io.now() : parseAtOption(args.values.at);
  const date = args.values.date === undefined ? undefined : parseDateOption(args.values.date);
  const session = await openSession(args.values, io);
  const snapshot = await observeCycle(session, now);
  // Every tag of the family counts, not only the recent ones the cycle checks: a name is never reused.
  const existing = snapshot.observation.tags.map((tag) => tag.name);
  const proposal = deriveTagProposal(snapshot.view, { existing, ...(date ? { date } : {}) });
  if (!proposal) {
    const { cycle } = snapshot.view;
    const wanted = cycle.where.windowDay !== null ? cycle.stableBranch : cycle.fixesBranch;
    throw new CliFailure(
      `nothing to tag: the current stable branch ${wanted ?? "(none)"} does not exist in ${session.repo.dir}`,
    );
  }
  io.stdout(
    [
      proposal.name,
      proposal.message,
      "",
      `# on ${proposal.branch} at ${proposal.sha.slice(0, 12)}: sign, then push`,
      ...buildTagCommandLines(proposal.name, proposal.message, proposal.branch, proposal.sha),
      "",
    ].join("\n"),
  );
  return 0;
}

export async function runCheckTag(args: CommandArgs, io: CliIo): Promise<number> {
  // A hostile name stops here, before any git process (verifyTag would also refuse it, as a problem).
  const tag = assertSafeRefName(args.argument!, "tag");
  const now = args.values.at === undefined ? io.now() : parseAtOption(args.values.at);
  const session = await openSession(args.values, io);
  const { config } = session;
  const verdict = await verifyTag(session.git, tag, {
    policy: buildTagPolicy(config),
    now,
    stableGlob: familyGlob(config.branches.stable, config.subsystem),
    ...(session.allowedSignersFile ? { allowedSignersFile: session.allowedSignersFile } : {}),
  });
  const problems = verdict.problems.map((problem) => ({ code: problem.code, message: problem.message }));
  if (args.values.json) {
    io.stdout(
      `${JSON.stringify({ tag, valid: verdict.valid, stableBranch: verdict.stableBranch, problems }, null, 2)}\n`,
    );
  } else if (verdict.valid) {
    io.stdout(`${tag}: valid${verdict.stableBranch ? ` (on ${verdict.stableBranch})` : ""}\n`);
  } else {
    io.stdout(`${tag}: invalid\n${problems.map((problem) => `  ${problem.code}: ${problem.message}`).join("\n")}\n`);
  }
  return verdict.valid ? 0 : 1;
}
