// The long-lived part of the app: webhooks in (deduplicated, acknowledged at once), scheduled jobs, one queue
// per repository, and the wiring of adapters for each run. No cycle logic lives here.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Clock } from "../adapters/clock.ts";
import { createGitLayer, type SigningKey } from "../adapters/git/index.ts";
import { createRequestPullSource } from "../adapters/git/request-pull-source.ts";
import {
  ensureUpstreamMirror,
  listUpstreamTags,
  openRepoWorkspace,
  syncUpstreamMirror,
} from "../adapters/git/workspace.ts";
import { readLocalRefDigest, readRemoteRefState, type RemoteRefState } from "../adapters/git/ref-state.ts";
import { createMemoryStore, type KeyValueStore } from "../adapters/store.ts";
import { createBackupStore } from "../adapters/git/backups.ts";
import { cleanupBackups } from "../cleanup-backups.ts";
import type { Config } from "../config/load.ts";
import { createInstallationLister } from "./installations.ts";
import { type QueueObserver } from "./queue.ts";
import type { GitHubPort } from "../ports.ts";
import { ConfigMemory, findIgnoreReason, run, type OpenedGit, type RunOutcome } from "../run.ts";
import type { JobName } from "./schedule.ts";
import type { Trigger } from "../ports.ts";
import { rateLimitWait } from "./rate-limit.ts";
import { mapWebhook } from "./webhooks.ts";
import { createMemoryWork, type Attempt, type Perform, type RepositoryRef, type WorkBackend } from "./work.ts";

export type { RepositoryRef } from "./work.ts";

/** How the runtime reaches GitHub as the app: per installation, a client and a git token; and the repositories. */
export interface AppAccess {
  installation(installationId: number): Promise<{
    /** The adapter for one repository; `store` keeps its ETags (conditional reads). */
    readonly github: (owner: string, repo: string, store?: KeyValueStore) => GitHubPort;
    readonly token: string;
  }>;
  listRepositories(): Promise<RepositoryRef[]>;
  /** `https://github.com/OWNER/REPO.git` (or the sandbox's). */
  cloneUrl(owner: string, repo: string): string;
}

export interface RuntimeOptions {
  readonly access: AppAccess;
  readonly clock: Clock;
  /** Mirrors of repositories and upstreams (MERGE_WINDOW_CACHE). */
  readonly cacheDir: string;
  readonly signingKey: SigningKey | null;
  /** A GnuPG home holding the maintainers' public keys, for tag verification. */
  readonly gnupgHome?: string;
  readonly log: (line: string) => void;
  readonly onOutcome?: (repo: RepositoryRef, trigger: Trigger, outcome: RunOutcome) => void;
  /** Runs `job` after `ms` (a rate-limited run waiting for GitHub's reset); default an unref'd timer. */
  readonly defer?: (ms: number, job: () => void) => void;
  /** A run that threw (it is also logged). */
  readonly onFailure?: (repo: RepositoryRef, trigger: Trigger, error: unknown) => void;
  /** Queue depth and waits (metrics). */
  readonly queueObserver?: QueueObserver;
  /**
   * What runs remember between them (ETags, the tracking issue's number, ref states, the installation list);
   * default this process's memory. Everything in it can be read again from GitHub: losing it costs requests only.
   */
  readonly store?: KeyValueStore;
  /** Runs at once (MERGE_WINDOW_RUNS); the in-memory queue's cap. */
  readonly maxRuns?: number;
  /** Where runs wait and run (default: this process's memory); the Redis queue for several instances. */
  readonly work?: (perform: Perform) => WorkBackend;
  /** What upstream polls share (default: this process's memory); Redis for several instances. */
  readonly polls?: UpstreamPolls;
}

/** How long runs of an installation that answered 401/404 are dropped (real time; a webhook ends it earlier). */
export const GONE_FOR_MS = 10 * 60_000;

/** A run whose installation token GitHub refused (401, 404, or 403 for a suspended installation). */
class InstallationGoneError extends Error {
  constructor(
    readonly installationId: number,
    override readonly cause: unknown,
  ) {
    super(`installation ${installationId}: ${cause instanceof Error ? cause.message : String(cause)}`);
  }
}

/** 401 or 404 (or 403 naming a suspension) from GitHub: the installation's credentials are refused; else null. */
function findInstallationRefusal(error: unknown): number | null {
  const { status, message } = (error ?? {}) as { status?: unknown; message?: unknown };
  if (status === 401 || status === 404) return status;
  if (status === 403 && typeof message === "string" && /suspended/i.test(message)) return 403;
  return null;
}

/** An `installation` webhook's id and action: `gone` for deleted or suspended; null for other events. */
function readInstallationChange(
  event: string,
  payload: unknown,
): { readonly id: number; readonly action: string; readonly gone: boolean } | null {
  if (event !== "installation") return null;
  const { action, installation } = (payload ?? {}) as { action?: unknown; installation?: { id?: unknown } };
  if (typeof action !== "string" || typeof installation?.id !== "number") return null;
  if (!["created", "new_permissions_accepted", "unsuspend", "deleted", "suspend"].includes(action)) return null;
  return { id: installation.id, action, gone: action === "deleted" || action === "suspend" };
}

/** What the instances polling upstream share: one poll at a time per upstream, and the tags it saw. */
export interface UpstreamPolls {
  /** Runs `poll` unless another instance polls this upstream right now (then resolves null). */
  exclusive<T>(upstream: string, poll: () => Promise<T>): Promise<T | null>;
  /** The tags the last poll of `upstream` saw, and when (ms); null before the first. */
  last(upstream: string): Promise<{ readonly tags: readonly string[]; readonly at: number } | null>;
  remember(upstream: string, tags: readonly string[], at: number): Promise<void>;
}

/** One process: polls are already one at a time per upstream, and the last tags are kept in memory. */
export function createMemoryPolls(): UpstreamPolls {
  const seen = new Map<string, { tags: readonly string[]; at: number }>();
  return {
    exclusive: (_upstream, poll) => poll(),
    last: async (upstream) => seen.get(upstream) ?? null,
    remember: async (upstream, tags, at) => void seen.set(upstream, { tags, at }),
  };
}

export interface Runtime {
  /**
   * Accepts a webhook: true when it was queued (not a duplicate, allowlisted, for an installation). Resolves once
   * the delivery is recorded (in Redis with several instances), before the 2xx.
   */
  handleWebhook(event: string, payload: unknown, deliveryId: string | null): Promise<boolean>;
  /** Runs a scheduled job for every repository of every installation (queued per repository). */
  runJob(job: JobName): Promise<void>;
  /** Queues one trigger for one repository. */
  enqueue(repo: RepositoryRef, trigger: Trigger): Promise<void>;
  idle(): Promise<void>;
  /** When the longest-running run started (readiness). */
  oldestRunStart(): Date | null;
  /** Stops taking runs (the Redis queue's worker); runs in progress finish. */
  close(): Promise<void>;
}

/**
 * `github` whose file reads (the config, the allowed signers) are answered from the store while the default
 * branch (`head`: its name and commit, from ls-remote) has not moved since the file was read. A refused file
 * (InputError) is never kept: it is read, and reported, again.
 */
function rememberFiles(github: GitHubPort, store: KeyValueStore, repo: string, head: string | null): GitHubPort {
  if (head === null) return github;
  return {
    ...github,
    async readConfigFile(path) {
      const key = `file:${repo}:${path}`;
      const kept = await store.get<{ head: string; text: string | null }>(key);
      if (kept?.head === head) return kept.text;
      const text = await github.readConfigFile(path);
      await store.set(key, { head, text });
      return text;
    },
  };
}

export function createRuntime(options: RuntimeOptions): Runtime {
  const { access, log } = options;
  const configs = new ConfigMemory();
  const store = options.store ?? createMemoryStore();
  // What this instance's own git cache holds (its mirrors are in sync with these refs): never shared.
  const local = createMemoryStore();
  const installations = createInstallationLister(() => access.listRepositories(), store);
  const defer = options.defer ?? ((ms: number, job: () => void) => void setTimeout(job, ms).unref());
  const polls = options.polls ?? createMemoryPolls();
  // When this instance's upstream mirror last fetched, per upstream: behind another instance's poll, it fetches.
  const mirrorSynced = new Map<string, number>();
  const mirrorSyncs = new Map<string, Promise<void>>();
  const upstreamKey = (config: Config) => `${config.upstream.url} ${config.upstream.branch}`;
  const ensureFreshUpstream = async (config: Config): Promise<string> => {
    const { url, branch } = config.upstream;
    const key = upstreamKey(config);
    const dir = await ensureUpstreamMirror(url, branch, { cacheDir: options.cacheDir });
    if (!mirrorSynced.has(key)) mirrorSynced.set(key, Date.now());
    const last = options.polls ? await polls.last(key) : null;
    if (last && last.at > mirrorSynced.get(key)!) {
      const syncing =
        mirrorSyncs.get(key) ??
        syncUpstreamMirror(url, branch, { cacheDir: options.cacheDir })
          .then(() => void mirrorSynced.set(key, Date.now()))
          .finally(() => mirrorSyncs.delete(key));
      mirrorSyncs.set(key, syncing);
      await syncing;
    }
    return dir;
  };

  const runOne = async (ref: RepositoryRef, trigger: Trigger): Promise<RunOutcome | undefined> => {
    // The app's own comments come back as webhooks: they must cost nothing, not even an installation token.
    const ignored = findIgnoreReason(trigger);
    if (ignored !== null) {
      const outcome: RunOutcome = { status: "ignored", reason: ignored };
      options.onOutcome?.(ref, trigger, outcome);
      return outcome;
    }
    const installation = await access.installation(ref.installationId).catch((error: unknown) => {
      throw findInstallationRefusal(error) === null ? error : new InstallationGoneError(ref.installationId, error);
    });
    const key = `${ref.owner}/${ref.repo}`;
    const cloneUrl = access.cloneUrl(ref.owner, ref.repo);
    const openWorkspace = async (config: Config) => {
      const upstreamDir = await ensureFreshUpstream(config);
      const workspace = await openRepoWorkspace(
        {
          owner: ref.owner,
          repo: ref.repo,
          cloneUrl,
          token: installation.token,
          upstreamDir,
          upstreamUrl: config.upstream.url,
          upstreamBranch: config.upstream.branch,
        },
        { cacheDir: options.cacheDir },
      );
      return { upstreamDir, workspace };
    };
    // GitHub's refs, read once before anything else (git, not REST): a default branch that has not moved means
    // an unchanged config file, and refs that have not moved mean nothing to fetch. No config yet: no mirror yet.
    const lastConfig = configs.get(key);
    const remote: RemoteRefState | null = lastConfig
      ? await readRemoteRefState((await openWorkspace(lastConfig)).workspace.dir)
      : null;
    // The other webhook of a push a completed run already saw (`create` after `push`), or a redelivery: no run.
    if (trigger.kind === "push" && remote && (await store.get<string>(`ran:${key}`)) === remote.digest) {
      const outcome: RunOutcome = { status: "ignored", reason: "GitHub's refs are as the last completed run saw them" };
      options.onOutcome?.(ref, trigger, outcome);
      return outcome;
    }
    const github = rememberFiles(installation.github(ref.owner, ref.repo, store), store, key, remote?.head ?? null);
    const openGit = async (config: Config): Promise<OpenedGit> => {
      const { upstreamDir, workspace } = await openWorkspace(config);
      const upstream = { dir: upstreamDir };
      const state = {
        remote: (remote ?? (await readRemoteRefState(workspace.dir))).digest,
        upstream: await readLocalRefDigest(upstream.dir, ["refs/tags/", "refs/heads/"]),
      };
      const synced = await local.get<typeof state>(`synced:${key}`);
      const unchanged = synced?.remote === state.remote && synced.upstream === state.upstream;
      if (!unchanged) await workspace.sync();
      const observed = () => local.set(`synced:${key}`, state);
      const env: Record<string, string> = options.gnupgHome ? { GNUPGHOME: options.gnupgHome } : {};
      const git = createGitLayer({
        repoDir: workspace.dir,
        refs: "local",
        upstream: { kind: "adopted" },
        upstreamBranch: config.upstream.branch,
        env,
      });
      const requestPull = createRequestPullSource(workspace.dir);
      const signersPath = config.signing.allowedSignersFile;
      const opened = { git, requestPull, fetched: !unchanged, observed };
      if (!signersPath) return opened;
      const text = await github.readConfigFile(signersPath);
      if (text === null) return opened;
      const file = join(options.cacheDir, "signers", `${ref.owner}__${ref.repo}`);
      mkdirSync(join(options.cacheDir, "signers"), { recursive: true });
      writeFileSync(file, text);
      return { ...opened, allowedSignersFile: file };
    };
    const outcome = await run(trigger, {
      github,
      openGit,
      clock: options.clock,
      configs,
      owner: ref.owner,
      repo: ref.repo,
      defaultPublicUrl: cloneUrl,
      signingKey: options.signingKey,
      log,
      store,
      cleanupBackups: async (config, now) => {
        const { workspace } = await openWorkspace(config);
        return cleanupBackups(createBackupStore({ repoDir: workspace.dir, blobless: true }), config.backups, now);
      },
    });
    if (remote && outcome.status === "done" && outcome.report.failed.length === 0)
      await store.set(`ran:${key}`, remote.digest);
    options.onOutcome?.(ref, trigger, outcome);
    return outcome;
  };

  /** One attempt of a run: a rate limit (thrown, or an effect refused) asks for another after GitHub's reset. */
  const perform: Perform = async ({ ref, trigger }, attempt): Promise<Attempt> => {
    let outcome: RunOutcome | undefined;
    try {
      outcome = await runOne(ref, trigger);
    } catch (error) {
      // Uninstalled or suspended (its token refused), or a 401 mid-run: no retry; its other runs wait a while.
      if (error instanceof InstallationGoneError || findInstallationRefusal(error) === 401) {
        const status = findInstallationRefusal(error instanceof InstallationGoneError ? error.cause : error);
        log(
          `${ref.owner}/${ref.repo}: installation ${ref.installationId} answered ${status}; this ` +
            `${trigger.kind} run stops (no retry) and its runs are dropped for ${GONE_FOR_MS / 60_000} minutes`,
        );
        await work.dropInstallation(ref.installationId, Date.now() + GONE_FOR_MS);
        return { status: "dropped" };
      }
      const wait = rateLimitWait(error, options.clock.now(), attempt);
      if (wait !== null) return { status: "rate-limited", waitMs: wait, cause: error };
      options.onFailure?.(ref, trigger, error);
      throw error;
    }
    const limited =
      outcome?.status === "done"
        ? outcome.report.failed.find((f) => rateLimitWait(f.cause, new Date(0), 0) !== null)
        : undefined;
    const wait = limited ? rateLimitWait(limited.cause, options.clock.now(), attempt) : null;
    return wait === null ? { status: "done" } : { status: "rate-limited", waitMs: wait, cause: limited!.cause };
  };
  const work =
    options.work?.(perform) ??
    createMemoryWork(perform, {
      log,
      defer,
      ...(options.queueObserver ? { observer: options.queueObserver } : {}),
      ...(options.maxRuns ? { maxRuns: options.maxRuns } : {}),
    });
  const enqueue = async (ref: RepositoryRef, trigger: Trigger) => void (await work.submit(null, [{ ref, trigger }]));

  return {
    enqueue,
    async handleWebhook(event, payload, deliveryId) {
      // Any change to an installation (added, removed, suspended; repositories added or removed) is listed anew.
      if (event === "installation" || event === "installation_repositories") void installations.invalidate();
      const change = readInstallationChange(event, payload);
      if (change?.gone) {
        // Removed or suspended: what waits for it is dropped when its turn comes, with no request to GitHub.
        log(`installation ${change.id} ${change.action}: its queued runs are dropped`);
        await work.dropInstallation(change.id, null);
        return false;
      }
      if (change) await work.restoreInstallation(change.id);
      const mapped = mapWebhook(event, payload as Parameters<typeof mapWebhook>[1]);
      if (!mapped || mapped.repositories.length === 0) return false;
      const runs = mapped.repositories.map((fullName) => {
        const [owner = "", repo = ""] = fullName.split("/");
        return { ref: { installationId: mapped.installationId, owner, repo }, trigger: mapped.trigger };
      });
      return work.submit(deliveryId, runs);
    },
    async runJob(job) {
      const repos = await installations.list();
      if (job !== "poll-upstream") {
        await work.submit(
          null,
          repos.map((ref) => ({ ref, trigger: { kind: "tick", job } })),
        );
        return;
      }
      // One fetch per upstream, shared by every repository that follows it; a new tag runs each of them.
      const byUpstream = new Map<string, { config: Config; repos: RepositoryRef[] }>();
      for (const ref of repos) {
        const config = configs.get(`${ref.owner}/${ref.repo}`);
        if (!config) {
          await enqueue(ref, { kind: "tick", job }); // no config seen yet: a plain run reads it
          continue;
        }
        const key = upstreamKey(config);
        const group = byUpstream.get(key) ?? { config, repos: [] };
        group.repos.push(ref);
        byUpstream.set(key, group);
      }
      // Every upstream at once: one that hangs (until the git timeout) or fails delays and stops no other.
      // With several instances, one of them polls each upstream; the tags it saw are shared.
      const pollOne = async (key: string, group: { config: Config; repos: RepositoryRef[] }) => {
        const { url, branch } = group.config.upstream;
        // Nothing remembered (the first poll since start): the mirror's tags, as the runs so far saw them, are
        // the baseline; otherwise the first tag after every restart would go unnoticed until the hourly tick.
        const remembered = await polls.last(key);
        const known = new Set(
          remembered?.tags ??
            (await listUpstreamTags(await ensureUpstreamMirror(url, branch, { cacheDir: options.cacheDir }))),
        );
        const tags = await listUpstreamTags(await syncUpstreamMirror(url, branch, { cacheDir: options.cacheDir }));
        const at = Date.now();
        mirrorSynced.set(key, at);
        await polls.remember(key, tags, at);
        const fresh = tags.filter((tag) => !known.has(tag));
        if (fresh.length === 0) return;
        await work.submit(
          null,
          group.repos.map((ref) => ({ ref, trigger: { kind: "tick", job, upstreamTag: fresh.at(-1)! } })),
        );
      };
      // Every upstream at once: one that hangs (until the git timeout) or fails delays and stops no other.
      const polled = [...byUpstream].map(([key, group]) => polls.exclusive(key, () => pollOne(key, group)));
      const failed = (await Promise.allSettled(polled)).flatMap((result, i) =>
        result.status === "rejected" ? [[[...byUpstream.keys()][i]!, result.reason] as const] : [],
      );
      for (const [key, error] of failed)
        log(`poll-upstream ${key}: ${error instanceof Error ? error.message : String(error)}`);
    },
    idle: () => work.idle(),
    oldestRunStart: () => work.oldestRunStart(),
    close: () => work.close(),
  };
}
