// `merge-window request-pull TAG`: the `git request-pull` body (or the whole mail) for a tag, with the base a
// maintainer would choose, after checking like git that the URL has the tag (one bounded ls-remote).
import { InputError } from "../domain/errors.ts";
import { assertSafeRefName } from "../domain/names.ts";
import { checkPushed } from "../domain/push-check.ts";
import { renderRequestPull, type RequestPullStyle } from "../domain/request-pull.ts";
import { checkTag } from "../domain/tag-check.ts";
import { createRequestPullSource } from "../adapters/git/request-pull-source.ts";
import { isObjectId } from "../adapters/git/inputs.ts";
import { lsRemote } from "../adapters/git/ls-remote.ts";
import { readPullBase } from "../adapters/git/pull-base.ts";
import type { GitRunner } from "../adapters/git/runner.ts";
import { parseAtOption, type CommandArgs } from "./args.ts";
import { buildGitHooks, type CliIo } from "./io.ts";
import { renderCliMail, writeMbox } from "./pull-mail.ts";
import { locateRepo, openSession, type Session } from "./session.ts";
import { buildCliTagPolicy } from "./trust.ts";
import { familyGlob } from "../observe.ts";

export async function runRequestPull(args: CommandArgs, io: CliIo): Promise<number> {
  const tag = assertSafeRefName(args.argument!, "tag");
  const { values } = args;
  const givenBase =
    values.base === undefined || isObjectId(values.base) ? values.base : assertSafeRefName(values.base, "--base");
  if (values.url !== undefined) assertPrintableUrl(values.url, "--url");
  const now = values.at === undefined ? io.now() : parseAtOption(values.at);
  const located = await locateRepo(values.repo, io);
  const { repo, runner } = located;
  const session = await openSession(values, io, located).catch((error: unknown) => {
    // --base alone needs no configuration: git request-pull's defaults apply.
    if (givenBase !== undefined && !values.mail && !values.mbox && isNoConfig(error)) return null;
    throw error;
  });
  const tip = await readTagTip(runner, tag, repo.dir);
  const branch = session ? await warnIfInvalid(tag, session, now, io) : null;
  const chosen =
    givenBase === undefined
      ? await chooseBase(runner, tag, tip.commit, session!)
      : { name: givenBase, window: /^v\d/.test(givenBase) };
  const url = values.url ?? session?.config.pullRequest.url ?? (await readOriginUrl(runner, repo.dir));
  const style = (values.style ?? session?.config.pullRequest.style ?? "git") as RequestPullStyle;
  const data = await createRequestPullSource(repo.dir, buildGitHooks(io)).collect({ base: chosen.name, tag, url });
  const body = renderRequestPull(data, style);
  const warnings = values["no-verify-url"] ? [] : await verifyPushed(repo.dir, url, tag, tip, io);
  for (const warning of warnings) io.stderr(`${warning}\n`);
  const mail =
    values.mail || values.mbox || values.json
      ? session &&
        (await renderCliMail(runner, { config: session.config, tag, branch, window: chosen.window, body, now }))
      : null;
  if (values.mbox) writeMbox(values.mbox, mail!);
  if (values.json) {
    const report = { tag, base: chosen.name, url, style, pushed: warnings.length === 0, warnings, body, mail };
    io.stdout(`${JSON.stringify(report, null, 2)}\n`);
  } else if (values.mbox) io.stdout(`wrote ${values.mbox}: send it with git send-email ${values.mbox}\n`);
  else io.stdout(values.mail ? mail! : body);
  return warnings.length === 0 ? 0 : 1;
}

function isNoConfig(error: unknown): boolean {
  return error instanceof InputError && error.code === "no-config";
}

/** The tag's object and commit in the clone; InputError naming it when absent. */
async function readTagTip(git: GitRunner, tag: string, dir: string): Promise<{ object: string; commit: string }> {
  const read = async (rev: string) =>
    (await git.tryRun(["rev-parse", "--verify", "--quiet", "--end-of-options", rev]))?.trim();
  const [object, commit] = await Promise.all([read(`refs/tags/${tag}`), read(`refs/tags/${tag}^{commit}`)]);
  if (!object || !commit) throw new InputError("unknown-tag", `tag ${tag} does not exist in ${dir}`);
  return { object, commit };
}

/** git request-pull's check: one ls-remote of the URL; its `warn:` lines when the tag is not there as it is here. */
async function verifyPushed(
  dir: string,
  url: string,
  tag: string,
  tip: { object: string; commit: string },
  io: CliIo,
): Promise<string[]> {
  const listed = await lsRemote(dir, url, buildGitHooks(io));
  const refs = listed.ok ? listed.refs : [];
  const check = checkPushed(refs, { url, head: `refs/tags/${tag}`, remote: `tags/${tag}`, ...tip });
  const offline = listed.ok ? [] : [`warn: ${listed.error} (--no-verify-url skips this check)`];
  return check.pushed ? [] : [...offline, ...check.warnings];
}

/** Warns (stderr) when the tag would not pass check-tag; returns its stable branch. */
async function warnIfInvalid(tag: string, session: Session, now: Date, io: CliIo): Promise<string | null> {
  const { config } = session;
  const signers = session.allowedSignersFile ? { allowedSignersFile: session.allowedSignersFile } : {};
  const facts = await session.git.readTagFacts(tag, {
    stableGlob: familyGlob(config.branches.stable, config.subsystem),
    ...signers,
  });
  const verdict = checkTag(facts, buildCliTagPolicy(config), now);
  if (!verdict.valid) {
    const codes = verdict.problems.map((problem) => problem.code).join(", ");
    io.stderr(`warning: ${tag} is not a valid pull-request tag (${codes}); see merge-window check-tag ${tag}\n`);
  }
  return verdict.stableBranch ?? facts.containingBranches[0] ?? null;
}

/** The previous PR tag on the same line of history, else the upstream release it was built on. */
async function chooseBase(git: GitRunner, tag: string, commit: string, session: Session) {
  const { config } = session;
  const { base } = await readPullBase(git, { tag, commit, familyGlob: familyGlob(config.tags.name, config.subsystem) });
  if (base.kind === "none")
    throw new InputError("no-base", `cannot choose a base for ${tag}: it contains no v* upstream tag; give --base`);
  return { name: base.name, window: base.kind === "upstream" };
}

/** `git remote get-url origin`, checked to be printable in the body. */
async function readOriginUrl(runner: GitRunner, dir: string): Promise<string> {
  const url = (await runner.tryRun(["remote", "get-url", "--end-of-options", "origin"]))?.trim();
  if (!url) throw new InputError("no-url", `${dir} has no origin remote to take the public URL from; give --url URL`);
  return assertPrintableUrl(url, "origin's URL");
}

/** A URL must be one word a reader can copy. */
function assertPrintableUrl(url: string, what: string): string {
  if (!/^[^\s\u0000-\u001f\u007f-][^\s\u0000-\u001f\u007f]*$/.test(url)) {
    throw new InputError(
      "bad-url",
      `${what} ${JSON.stringify(url)} is empty, starts with "-" or contains white space or control characters`,
    );
  }
  return url;
}
