// Opens what every CLI command works on: the clone (--repo), its configuration, the upstream source and the git layer.
import { existsSync } from "node:fs";
import { isAbsolute, join, resolve } from "node:path";
import { createGitLayer, type GitLayer, type GitObservation, type UpstreamSource } from "../adapters/git/index.ts";
import { assertRemoteName } from "../adapters/git/inputs.ts";
import type { GitRunner } from "../adapters/git/runner.ts";
import { openCache } from "./cache.ts";
import { findCommitGraphHint } from "./commit-graph-hint.ts";
import { buildGitHooks, type CliIo } from "./io.ts";
import type { Config } from "../config/load.ts";
import { loadCliConfig } from "./cli-config.ts";
import { InputError } from "../domain/errors.ts";
import { locateRepo, type RepoLocation } from "./locate.ts";
import type { RepoFacts } from "../domain/facts.ts";
import { deriveSituation, type Situation } from "../domain/machine/situation.ts";
import { observeFacts } from "../observe.ts";

export interface SessionOptions {
  readonly repo?: string;
  readonly config?: string;
  readonly subsystem?: string;
  readonly upstream?: string;
  /** The push remote (default origin). */
  readonly remote?: string;
  /** A cache repository for what is fetched from upstream (src/cli/cache.ts); default: the clone itself. */
  readonly cache?: string;
}

/** An opened clone with its configuration and git layer; nothing fetched yet. */
export interface Session {
  readonly repo: RepoLocation;
  readonly config: Config;
  /** Where the configuration came from: a file path, or `built-in defaults for <subsystem>`. */
  readonly configSource: string;
  readonly git: GitLayer;
  /** Plain git in the clone, for the few reads the layer does not offer (local refs, config). */
  readonly runner: GitRunner;
  /** The push remote (validated by the layer). */
  readonly remote: string;
  /** An SSH allowed_signers file named by the configuration and present in the work tree. */
  readonly allowedSignersFile: string | undefined;
  readonly upstream: UpstreamSource;
}

/** The cycle as the app would see it, without a tracking issue (no recorded decisions). */
export interface CycleSnapshot {
  readonly facts: RepoFacts;
  readonly observation: GitObservation;
  /** The cycle as the machine sees it; the domain's read-only queries (machine/queries.ts) take it as it is. */
  readonly view: Situation;
}

/** Fetches upstream's tags (from the clone itself unless --upstream says otherwise), observes and derives the cycle. */
export async function observeCycle(session: Session, now: Date): Promise<CycleSnapshot> {
  const { config } = session;
  const options = session.allowedSignersFile ? { allowedSignersFile: session.allowedSignersFile } : {};
  const { facts, observation } = await observeFacts(session.git, config, now, options).catch((error: unknown) => {
    if (!(error instanceof InputError && error.code === "no-upstream-tags")) throw error;
    const source = session.upstream.kind === "remote" ? `remote ${session.upstream.name}` : session.upstream.url;
    throw new InputError(
      error.code,
      `upstream ${source}: ${error.message} (${now.toISOString()}); give --upstream, or --at a later time`,
    );
  });
  const { situation } = deriveSituation({ facts, memory: null }, config, now);
  return { facts, observation, view: situation };
}

/** Locates the clone, loads the configuration, picks the upstream source and builds the git layer. */
export async function openSession(
  options: SessionOptions,
  io: CliIo,
  located?: { repo: RepoLocation; runner: GitRunner },
  needs: { upstream: boolean } = { upstream: true },
): Promise<Session> {
  const { repo, runner } = located ?? (await locateRepo(options.repo, io));
  // The hint's one git process (when there is no commit-graph) runs alongside the configuration and upstream.
  const hintP = findCommitGraphHint(runner, repo.gitDir, repo.dir);
  hintP.catch(() => {});
  const { config, source } = await loadCliConfig(options, repo, runner, io);
  // A command that never reads upstream (request-pull) does not look for its remote: one git process less.
  const resolved = needs.upstream
    ? await resolveUpstream(options.upstream, repo, runner, io, config.upstream.url)
    : ({ kind: "url", url: repo.gitDir } as const);
  // --cache: the layer works in the cache, which borrows the clone's objects and mirrors its branches and tags.
  const cache = options.cache === undefined ? null : await openCache(options.cache, repo, runner, resolved, io);
  const upstream = cache?.upstream ?? resolved;
  const git = createGitLayer({
    repoDir: cache?.dir ?? repo.dir,
    refs: "local",
    ...(options.remote ? { remote: options.remote } : {}),
    upstream,
    upstreamBranch: config.upstream.branch,
    runner: "child-process",
    ...buildGitHooks(io),
  });
  const hint = await hintP;
  if (hint) io.stderr(hint);
  const signers = config.signing.allowedSignersFile;
  const signersPath = signers && repo.workTree ? join(repo.workTree, signers) : undefined;
  return {
    repo,
    config,
    configSource: source,
    git,
    runner,
    remote: options.remote ?? "origin",
    upstream,
    allowedSignersFile: signersPath && existsSync(signersPath) ? signersPath : undefined,
  };
}

/**
 * No --upstream: the clone's own `v*` tags (a local fetch from itself into refs/merge-window/, no network).
 * Otherwise a remote of the clone, a URL, or an existing path (made absolute); the layer validates the string.
 */
async function resolveUpstream(
  option: string | undefined,
  repo: RepoLocation,
  runner: GitRunner,
  io: CliIo,
  configuredUrl: string,
): Promise<UpstreamSource> {
  if (option === undefined) {
    const remote = await findUpstreamRemote(runner, configuredUrl);
    return remote ? { kind: "remote", name: remote } : { kind: "url", url: repo.workTree ?? repo.gitDir };
  }
  if (option.includes("://")) return { kind: "url", url: option };
  if (isRemoteName(option)) {
    const remotes = (await runner.run(["remote"])).split("\n").filter(Boolean);
    if (remotes.includes(option)) return { kind: "remote", name: option };
  }
  const path = isAbsolute(option) ? option : resolve(io.cwd, option);
  if (option.startsWith("-") || !existsSync(path)) {
    throw new InputError(
      "bad-upstream",
      `--upstream ${JSON.stringify(option)} is not a remote of ${repo.dir}, a URL or an existing path`,
    );
  }
  return { kind: "url", url: path };
}

/**
 * A remote whose fetch URL is upstream.url (either scheme, with or without .git), else one named upstream or torvalds.
 */
export async function findUpstreamRemote(runner: GitRunner, configuredUrl: string): Promise<string | null> {
  const output = (await runner.tryRun(["config", "--get-regexp", "^remote\\..*\\.url$"])) ?? "";
  const remotes = output
    .split("\n")
    .map((line) => /^remote\.(.+)\.url (.+)$/.exec(line))
    .filter((match): match is RegExpExecArray => match !== null)
    .map((match) => ({ name: match[1]!, url: match[2]! }))
    .filter((remote) => isRemoteName(remote.name));
  const wanted = normalizeUrl(configuredUrl);
  const byUrl = remotes.find((remote) => normalizeUrl(remote.url) === wanted);
  if (byUrl) return byUrl.name;
  return ["upstream", "torvalds"].find((name) => remotes.some((remote) => remote.name === name)) ?? null;
}

/** `https://git.kernel.org/pub/scm/linux/kernel/git/torvalds/linux.git/` → `git.kernel.org/pub/…/torvalds/linux`. */
function normalizeUrl(url: string): string {
  return url
    .replace(/^[a-z+]+:\/\//i, "")
    .replace(/\/+$/, "")
    .replace(/\.git$/, "")
    .toLowerCase();
}

function isRemoteName(text: string): boolean {
  try {
    assertRemoteName(text);
    return true;
  } catch {
    return false;
  }
}
