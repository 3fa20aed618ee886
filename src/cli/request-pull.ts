// `merge-window request-pull TAG`: the `git request-pull` body for a tag, with the base a maintainer would choose.
import { InputError } from "../domain/errors.ts";
import { assertSafeRefName } from "../domain/names.ts";
import { renderRequestPull, type RequestPullStyle } from "../domain/request-pull.ts";
import { checkTag } from "../domain/tag-check.ts";
import { requestPullBase } from "../domain/machine/queries.ts";
import { createRequestPullSource } from "../adapters/git/request-pull-source.ts";
import { isObjectId } from "../adapters/git/inputs.ts";
import type { GitRunner } from "../adapters/git/runner.ts";
import { parseAtOption, type CommandArgs } from "./args.ts";
import { buildGitHooks, type CliIo } from "./io.ts";
import { locateRepo, observeCycle, openSession, type Session } from "./session.ts";
import { buildTagPolicy, familyGlob } from "../observe.ts";

export async function runRequestPull(args: CommandArgs, io: CliIo): Promise<number> {
  const tag = assertSafeRefName(args.argument!, "tag");
  const { values } = args;
  const base =
    values.base === undefined || isObjectId(values.base) ? values.base : assertSafeRefName(values.base, "--base");
  if (values.url !== undefined) assertPrintableUrl(values.url, "--url");
  const now = values.at === undefined ? io.now() : parseAtOption(values.at);
  const located = await locateRepo(values.repo, io);
  const { repo, runner } = located;
  const url = values.url ?? (await readOriginUrl(runner, repo.dir));
  const start = base ?? (await chooseBase(tag, await openSession(values, io, located), now, io));
  const data = await createRequestPullSource(repo.dir, buildGitHooks(io)).collect({ base: start, tag, url });
  io.stdout(renderRequestPull(data, (values.style ?? "git") as RequestPullStyle));
  return 0;
}

/**
 * The base the app would use (requestPullBase): the previous valid tag on the tag's stable branch for a
 * follow-up fixes pull, else the upstream tag that branch was built on. Warns when the tag itself is invalid.
 */
async function chooseBase(tag: string, session: Session, now: Date, io: CliIo): Promise<string> {
  const { config } = session;
  const signers = session.allowedSignersFile ? { allowedSignersFile: session.allowedSignersFile } : {};
  const facts = await session.git.readTagFacts(tag, {
    stableGlob: familyGlob(config.branches.stable, config.subsystem),
    ...signers,
  });
  if (!facts.exists) throw new InputError("unknown-tag", `tag ${tag} does not exist in ${session.repo.dir}`);
  const verdict = checkTag(facts, buildTagPolicy(config), now);
  if (!verdict.valid) {
    io.stderr(
      `warning: ${tag} is not a valid pull-request tag (${verdict.problems.map((problem) => problem.code).join(", ")}); see merge-window check-tag ${tag}\n`,
    );
  }
  const branch = verdict.stableBranch ?? facts.containingBranches[0];
  if (!branch || !facts.commit) {
    throw new InputError(
      "no-base",
      `cannot choose a base for ${tag}: no ${config.branches.stable.replace("{version}", "X.Y")} branch contains it; give --base`,
    );
  }
  const snapshot = await observeCycle(session, now);
  const tagFacts = {
    name: tag,
    sha: facts.commit,
    object: facts.object ?? facts.commit,
    taggerDate: facts.taggerDate,
    stableBranch: branch,
    check: verdict,
    mergedUpstream: null,
  };
  return requestPullBase(tagFacts, branch, snapshot.view);
}

/** `git remote get-url origin`, checked to be printable in the body. */
async function readOriginUrl(runner: GitRunner, dir: string): Promise<string> {
  const url = (await runner.tryRun(["remote", "get-url", "--end-of-options", "origin"]))?.trim();
  if (!url) throw new InputError("no-url", `${dir} has no origin remote to take the public URL from; give --url URL`);
  return assertPrintableUrl(url, "origin's URL");
}

/** A URL is only printed, never fetched; it must still be one word a reader can copy. */
function assertPrintableUrl(url: string, what: string): string {
  if (!/^[^\s\u0000-\u001f\u007f-][^\s\u0000-\u001f\u007f]*$/.test(url)) {
    throw new InputError(
      "bad-url",
      `${what} ${JSON.stringify(url)} is empty, starts with "-" or contains white space or control characters`,
    );
  }
  return url;
}
