// `merge-window tag`: signs (git tag -s) the next pull-request tag on the current stable branch with the computed
// name and message and pushes it only if absent, through the git layer's createSignedTag (the app's tag effect).
import type { SigningKey } from "../adapters/git/index.ts";
import { buildPushArgs } from "../adapters/git/refs.ts";
import { deriveTagProposal } from "../domain/machine/queries.ts";
import { InputError } from "../domain/errors.ts";
import { parseWithTemplate } from "../domain/names.ts";
import { parseAtOption, parseDateOption, type CommandArgs } from "./args.ts";
import { report } from "./actions.ts";
import { CliFailure, type CliIo } from "./io.ts";
import { confirmPlan, readPushRemote, remoteSha } from "./plan.ts";
import { observeCycle, openSession, type Session } from "./session.ts";

export async function runTag(args: CommandArgs, io: CliIo): Promise<number> {
  const now = args.values.at === undefined ? io.now() : parseAtOption(args.values.at);
  const date = args.values.date === undefined ? undefined : parseDateOption(args.values.date);
  const session = await openSession(args.values, io);
  const snapshot = await observeCycle(session, now);
  const refs = await readPushRemote(session, io, session.remote);
  const existing = [
    ...snapshot.observation.tags.map((tag) => tag.name),
    ...refs.filter((ref) => ref.ref.startsWith("refs/tags/")).map((ref) => ref.ref.slice("refs/tags/".length)),
  ];
  const proposal = deriveTagProposal(snapshot.view, { existing, ...(date ? { date } : {}) });
  if (!proposal)
    throw new CliFailure(`nothing to tag: the current stable branch does not exist in ${session.repo.dir}`);
  const { name, message, branch, sha } = proposal;
  const done = refs.find(
    (ref) =>
      ref.sha === sha && ref.peeled && parseWithTemplate(session.config.tags.name, ref.ref.slice(10), { suffix: true }),
  );
  if (done) {
    const tagged = done.ref.slice("refs/tags/".length);
    return report(
      args,
      io,
      { status: "exists", name: tagged, branch, commit: sha },
      `${branch} (${sha.slice(0, 12)}) is already tagged ${tagged} on ${session.remote}: nothing to do`,
    );
  }
  const onRemote = remoteSha(refs, `refs/heads/${branch}`);
  if (onRemote !== sha)
    throw new CliFailure(
      `${branch} is ${sha.slice(0, 12)} here but ${onRemote?.slice(0, 12) ?? "absent"} on ${session.remote}: ` +
        `push the branch first, then tag`,
    );
  const signing = await readSigningKey(session, args.values.key);
  if (args.values.at !== undefined)
    io.stderr(
      `note: --at ${args.values.at} places the calendar only; the tag is signed now, with today's tagger date\n`,
    );
  const sign = ["tag", "--sign", `--message=${message}`, "--end-of-options", name, sha];
  const decision = await confirmPlan(
    args,
    io,
    [
      `sign ${name} at ${branch} (${sha.slice(0, 12)}) ` +
        `with ${signing.kind === "gpg" ? `GPG key ${signing.keyId}` : signing.keyFile}`,
      `message: ${message}`,
      `push it to ${session.remote} only if no tag of that name exists there`,
    ],
    [
      sign,
      buildPushArgs(session.remote, [{ sha: "0".repeat(40), lease: { ref: `refs/tags/${name}`, expect: "" } }]).map(
        (word) => word.replace("0".repeat(40), "<tag object>"),
      ),
    ],
  );
  if (decision === "dry-run") return 0;
  const result = await session.git.createSignedTag({ name, message, sha, signing });
  if (result.status === "refused") throw new CliFailure(result.message);
  return report(
    args,
    io,
    result,
    `signed and pushed ${name} (${result.object.slice(0, 12)}) at ${branch} ${sha.slice(0, 12)}`,
  );
}

/** --key, else git config user.signingKey (an SSH key file when gpg.format is ssh). */
async function readSigningKey(session: Session, option: string | undefined): Promise<SigningKey> {
  const format = (await session.runner.tryRun(["config", "--get", "gpg.format"]))?.trim() || "openpgp";
  const key = option ?? (await session.runner.tryRun(["config", "--get", "user.signingKey"]))?.trim();
  if (!key)
    throw new InputError("no-signing-key", "no signing key: give --key KEYID or set git config user.signingKey");
  return format === "ssh" ? { kind: "ssh", keyFile: key } : { kind: "gpg", keyId: key };
}
