// `merge-window request-pull TAG`: the `git request-pull` body (or the whole mail) for a tag, with the base a
// maintainer would choose, after checking like git that the URL has the tag (one bounded ls-remote).
import { existsSync } from "node:fs";
import { join } from "node:path";
import { InputError } from "../domain/errors.ts";
import { assertSafeRefName } from "../domain/names.ts";
import { checkPushed } from "../domain/push-check.ts";
import { checkTag } from "../domain/tag-check.ts";
import { familyGlob } from "../observe.ts";
import { renderRequestPull, type RequestPullStyle } from "../domain/request-pull.ts";
import { isObjectId } from "../adapters/git/inputs.ts";
import { lsRemote } from "../adapters/git/ls-remote.ts";
import { buildRefView } from "../adapters/git/refs.ts";
import { readTagFacts } from "../adapters/git/tags.ts";
import { readPullBase } from "../adapters/git/pull-base.ts";
import { collectRequestPull } from "../adapters/git/request-pull-facts.ts";
import type { GitRunner } from "../adapters/git/runner.ts";
import { createSpawnRunner } from "../adapters/git/spawn-runner.ts";
import type { Config } from "../config/load.ts";
import { parseAtOption, type CommandArgs } from "./args.ts";
import { loadCliConfig } from "./cli-config.ts";
import { findCommitGraphHint } from "./commit-graph-hint.ts";
import { buildGitHooks, type CliIo } from "./io.ts";
import { locateRepo, type RepoLocation } from "./locate.ts";
import { buildCliTagPolicy } from "./trust.ts";

/** What request-pull needs of the configuration: the file's Config and an SSH allowed_signers file in the tree. */
interface Setup {
  readonly config: Config;
  readonly allowedSignersFile: string | undefined;
}

/**
 * Every git process starts as soon as what it needs is known: with --base and --url the body, the tag and the
 * push check do not wait for the configuration at all. Start-up loads no zod, no simple-git, and YAML only when
 * a configuration file exists; git runs through node:child_process (bench/request-pull.bench.ts).
 */
export async function runRequestPull(args: CommandArgs, io: CliIo): Promise<number> {
  // The URL check starts early; when the command fails for another reason it is killed, not waited for.
  const abandon = new AbortController();
  try {
    return await requestPull(args, io, abandon.signal);
  } catch (error) {
    abandon.abort();
    throw error;
  }
}

async function requestPull(args: CommandArgs, io: CliIo, signal: AbortSignal): Promise<number> {
  const tag = assertSafeRefName(args.argument!, "tag");
  const { values } = args;
  const givenBase =
    values.base === undefined || isObjectId(values.base) ? values.base : assertSafeRefName(values.base, "--base");
  if (values.url !== undefined) assertPrintableUrl(values.url, "--url");
  const now = values.at === undefined ? io.now() : parseAtOption(values.at);
  const { repo, runner } = await locateRepo(values.repo, io);
  const tipP = later(readTagTip(runner, tag, repo.dir));
  const hintP = later(findCommitGraphHint(runner, repo.gitDir, repo.dir));
  const setupP = later(
    openSetup(values, repo, runner, io)
      .then(async (setup) => {
        const hint = await hintP;
        if (hint) io.stderr(hint);
        return setup;
      })
      .catch((error: unknown) => {
        // --base alone needs no configuration: git request-pull's defaults apply.
        if (givenBase !== undefined && !values.mail && !values.mbox && isNoConfig(error)) return null;
        throw error;
      }),
  );
  const urlP = later(
    values.url !== undefined
      ? Promise.resolve(values.url)
      : setupP.then((setup) => setup?.config.pullRequest.url ?? readOriginUrl(runner, repo.dir)),
  );
  const baseP = later(
    givenBase !== undefined
      ? Promise.resolve({ name: givenBase, window: /^v\d/.test(givenBase) })
      : Promise.all([tipP, setupP]).then(([tip, setup]) => chooseBase(runner, tag, tip.commit, setup!)),
  );
  const dataP = later(
    Promise.all([baseP, urlP]).then(([base, url]) =>
      collectRequestPull(bodyRunner(repo.dir, io), { base: base.name, tag, url }),
    ),
  );
  const pushP = later(
    values["no-verify-url"]
      ? Promise.resolve([])
      : urlP.then((url) => verifyPushed({ dir: repo.dir, url, tag, tipP, signal }, io)),
  );
  const verdictP = later(
    Promise.all([setupP, tipP]).then(([setup]) => (setup ? judgeTag(runner, tag, setup, now) : null)),
  );
  // Errors in the order a maintainer fixes them: configuration, tag, base, URL, then the rest.
  const setup = await setupP;
  await tipP;
  const chosen = await baseP;
  const url = await urlP;
  const [data, verdict, warnings] = await Promise.all([dataP, verdictP, pushP]);
  if (verdict?.warning) io.stderr(`${verdict.warning}\n`);
  const style = (values.style ?? setup?.config.pullRequest.style ?? "git") as RequestPullStyle;
  const body = renderRequestPull(data, style);
  for (const warning of warnings) io.stderr(`${warning}\n`);
  const wantsMail = values.mail || values.mbox || values.json;
  const mail =
    wantsMail && setup
      ? await (
          await import("./pull-mail.ts")
        ).renderCliMail(runner, {
          config: setup.config,
          tag,
          branch: verdict?.branch ?? null,
          window: chosen.window,
          body,
          now,
        })
      : null;
  if (values.mbox) (await import("./pull-mail.ts")).writeMbox(values.mbox, mail!);
  if (values.json) {
    const report = { tag, base: chosen.name, url, style, pushed: warnings.length === 0, warnings, body, mail };
    io.stdout(`${JSON.stringify(report, null, 2)}\n`);
  } else if (values.mbox) io.stdout(`wrote ${values.mbox}: send it with git send-email ${values.mbox}\n`);
  else io.stdout(values.mail ? mail! : body);
  return warnings.length === 0 ? 0 : 1;
}

/** The configuration, and the allowed_signers file it names when the work tree has it. */
async function openSetup(values: CommandArgs["values"], repo: RepoLocation, runner: GitRunner, io: CliIo) {
  const { config } = await loadCliConfig(values, repo, runner, io);
  const signers = config.signing.allowedSignersFile;
  const signersPath = signers && repo.workTree ? join(repo.workTree, signers) : undefined;
  return { config, allowedSignersFile: signersPath && existsSync(signersPath) ? signersPath : undefined };
}

/** git for the body: LC_ALL=C, so that the diffstat's summary line is git request-pull's English one. */
function bodyRunner(dir: string, io: CliIo): GitRunner {
  const hooks = buildGitHooks(io);
  return createSpawnRunner(dir, { ...hooks, env: { ...hooks.env, LC_ALL: "C" } });
}

/** A promise awaited later: its rejection is handled there, not reported as unhandled meanwhile. */
function later<T>(promise: Promise<T>): Promise<T> {
  promise.catch(() => {});
  return promise;
}

function isNoConfig(error: unknown): boolean {
  return error instanceof InputError && error.code === "no-config";
}

/** The tag's object and commit in the clone; InputError naming it when absent. */
async function readTagTip(git: GitRunner, tag: string, dir: string): Promise<{ object: string; commit: string }> {
  // One process for both (for-each-ref also lists refs/tags/<tag>/…: the exact name is picked).
  const ref = `refs/tags/${tag}`;
  const format = "%(refname) %(objectname) %(objecttype) %(*objectname) %(*objecttype)";
  const listed = await git.run(["for-each-ref", `--format=${format}`, "--end-of-options", ref]);
  const fields =
    listed
      .split("\n")
      .find((line) => line.startsWith(`${ref} `))
      ?.split(" ") ?? [];
  const [, object = "", type = "", peeled = "", peeledType = ""] = fields;
  let commit = type === "commit" ? object : peeledType === "commit" ? peeled : "";
  if (object && !commit && type === "tag") {
    // A tag of a tag: peeled all the way by rev-parse.
    const args = ["rev-parse", "--verify", "--quiet", "--end-of-options", `${ref}^{commit}`];
    commit = (await git.tryRun(args))?.trim() ?? "";
  }
  if (!object || !commit) throw new InputError("unknown-tag", `tag ${tag} does not exist in ${dir}`);
  return { object, commit };
}

/** git request-pull's check: one ls-remote of the URL; its `warn:` lines when the tag is not there as it is here. */
async function verifyPushed(
  check: {
    readonly dir: string;
    readonly url: string;
    readonly tag: string;
    readonly tipP: Promise<{ object: string; commit: string }>;
    readonly signal: AbortSignal;
  },
  io: CliIo,
): Promise<string[]> {
  const { dir, url, tag, tipP, signal } = check;
  // The ls-remote starts at once (with --url, before the configuration is read); the local tag is compared after.
  const [listed, tip] = await Promise.all([lsRemote(dir, url, { ...buildGitHooks(io), signal }), tipP]);
  const refs = listed.ok ? listed.refs : [];
  const pushed = checkPushed(refs, { url, head: `refs/tags/${tag}`, remote: `tags/${tag}`, ...tip });
  const offline = listed.ok ? [] : [`warn: ${listed.error} (--no-verify-url skips this check)`];
  return pushed.pushed ? [] : [...offline, ...pushed.warnings];
}

/** The warning when the tag would not pass check-tag (null when it would), and its stable branch. */
async function judgeTag(runner: GitRunner, tag: string, setup: Setup, now: Date) {
  const { config } = setup;
  const signers = setup.allowedSignersFile ? { allowedSignersFile: setup.allowedSignersFile } : {};
  const facts = await readTagFacts({ git: runner, view: buildRefView("local") }, tag, {
    stableGlob: familyGlob(config.branches.stable, config.subsystem),
    ...signers,
  });
  const verdict = checkTag(facts, buildCliTagPolicy(config), now);
  const codes = verdict.problems.map((problem) => problem.code).join(", ");
  return {
    warning: verdict.valid
      ? null
      : `warning: ${tag} is not a valid pull-request tag (${codes}); see merge-window check-tag ${tag}`,
    branch: verdict.stableBranch ?? facts.containingBranches[0] ?? null,
  };
}

/** The previous PR tag on the same line of history, else the upstream release it was built on. */
async function chooseBase(git: GitRunner, tag: string, commit: string, setup: Setup) {
  const { config } = setup;
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
