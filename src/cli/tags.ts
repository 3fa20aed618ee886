// `merge-window tag-name` (the next tag to sign and the commands) and `merge-window check-tag TAG` (C5, C6).
import { parseAtOption, parseDateOption, type CommandArgs } from "./args.ts";
import { CliFailure, type CliIo } from "./io.ts";
import { observeCycle, openSession } from "./session.ts";
import { assertSafeRefName } from "../domain/names.ts";
import { buildTagCommandLines } from "../domain/machine/proposal.ts";
import { deriveTagProposal } from "../domain/machine/queries.ts";
import { familyGlob, verifyTag } from "../observe.ts";
import { buildCliTagPolicy, describeSigner } from "./trust.ts";
import { lsRemote } from "../adapters/git/ls-remote.ts";
import { buildGitHooks } from "./io.ts";
import type { Session } from "./session.ts";

/** Whether the push remote has `ref` at `sha` (one bounded ls-remote), as a sentence. */
async function describeOnRemote(session: Session, io: CliIo, ref: string, sha: string) {
  const listed = await lsRemote(session.repo.dir, session.remote, buildGitHooks(io));
  const short = ref.replace(/^refs\/(heads|tags)\//, "");
  if (!listed.ok) return { ok: false, note: `could not check ${session.remote}: ${listed.error}` };
  const there = listed.refs.find((entry) => entry.ref === ref && !entry.peeled)?.sha;
  if (there === sha) return { ok: true, note: `${short} is on ${session.remote}` };
  const where = there ? `points at ${there.slice(0, 12)} there` : "is not there";
  return { ok: false, note: `${short} (${sha.slice(0, 12)}) is not on ${session.remote}: it ${where}; push it first` };
}

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
  const pushed = await describeOnRemote(session, io, `refs/heads/${proposal.branch}`, proposal.sha);
  if (args.values.json) {
    const commands = buildTagCommandLines(proposal.name, proposal.message, proposal.branch, proposal.sha);
    io.stdout(`${JSON.stringify({ ...proposal, onRemote: pushed.ok, remoteNote: pushed.note, commands }, null, 2)}\n`);
    return 0;
  }
  if (!pushed.ok) io.stderr(`warning: ${pushed.note}\n`);
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
  const signers = {
    stableGlob: familyGlob(config.branches.stable, config.subsystem),
    ...(session.allowedSignersFile ? { allowedSignersFile: session.allowedSignersFile } : {}),
  };
  const verdict = await verifyTag(session.git, tag, {
    policy: buildCliTagPolicy(config),
    now,
    ...signers,
  });
  const problems = verdict.problems.map((problem) => ({ code: problem.code, message: problem.message }));
  const facts = await session.git.readTagFacts(tag, signers);
  const signer = facts.signature ? describeSigner(facts.signature, config) : null;
  const remote = facts.object
    ? await describeOnRemote(session, io, `refs/tags/${tag}`, facts.object)
    : { ok: false, note: `tag ${tag} does not exist` };
  if (args.values.json) {
    const report = {
      tag,
      valid: verdict.valid,
      stableBranch: verdict.stableBranch,
      signer,
      onRemote: remote.ok,
      remoteNote: remote.note,
      problems,
    };
    io.stdout(`${JSON.stringify(report, null, 2)}\n`);
  } else {
    const lines = [
      verdict.valid ? `${tag}: valid${verdict.stableBranch ? ` (on ${verdict.stableBranch})` : ""}` : `${tag}: invalid`,
      ...(signer ? [`  signer: ${signer}`] : []),
      `  ${remote.ok ? "" : "warning: "}${remote.note}`,
      ...problems.map((problem) => `  ${problem.code}: ${problem.message}`),
    ];
    io.stdout(`${lines.join("\n")}\n`);
  }
  return verdict.valid ? 0 : 1;
}
