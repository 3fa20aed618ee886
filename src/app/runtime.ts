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
import type { Config } from "../config/load.ts";
import { createInstallationLister } from "./installations.ts";
import { createPushCoalescer } from "./coalesce.ts";
import { createJobQueue, type QueueObserver } from "./queue.ts";
import type { GitHubPort } from "../ports.ts";
import { ConfigMemory, findIgnoreReason, run, type OpenedGit, type RunOutcome } from "../run.ts";
import type { JobName } from "./schedule.ts";
import type { Trigger } from "../ports.ts";
import { MAX_RATE_LIMIT_ATTEMPTS, rateLimitWait } from "./rate-limit.ts";
import { mapWebhook } from "./webhooks.ts";

export interface RepositoryRef {
  readonly installationId: number;
  readonly owner: string;
  readonly repo: string;
}

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
}

export interface Runtime {
  /** Accepts a webhook: true when it was queued (not a duplicate, allowlisted, for an installation). */
  handleWebhook(event: string, payload: unknown, deliveryId: string | null): boolean;
  /** Runs a scheduled job for every repository of every installation (queued per repository). */
  runJob(job: JobName): Promise<void>;
  /** Queues one trigger for one repository. */
  enqueue(repo: RepositoryRef, trigger: Trigger): void;
  idle(): Promise<void>;
  /** When the longest-running run started (readiness). */
  oldestRunStart(): Date | null;
}

const REMEMBERED_DELIVERIES = 10_000;

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
  const queue = createJobQueue(
    (key, error) =>
      log(`${key}: run failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`),
    options.queueObserver,
  );
  const configs = new ConfigMemory();
  const store = options.store ?? createMemoryStore();
  const pushes = createPushCoalescer();
  const installations = createInstallationLister(() => access.listRepositories(), store);
  // A delivery is remembered as processed only once its runs completed; one in flight is not run twice.
  const deliveries = new Set<string>();
  const inFlight = new Set<string>();
  const defer = options.defer ?? ((ms: number, job: () => void) => void setTimeout(job, ms).unref());
  const knownUpstreamTags = new Map<string, Set<string>>();

  const runOne = async (ref: RepositoryRef, trigger: Trigger): Promise<RunOutcome | undefined> => {
    // The app's own comments come back as webhooks: they must cost nothing, not even an installation token.
    const ignored = findIgnoreReason(trigger);
    if (ignored !== null) {
      const outcome: RunOutcome = { status: "ignored", reason: ignored };
      options.onOutcome?.(ref, trigger, outcome);
      return outcome;
    }
    const installation = await access.installation(ref.installationId);
    const key = `${ref.owner}/${ref.repo}`;
    const cloneUrl = access.cloneUrl(ref.owner, ref.repo);
    const openWorkspace = async (config: Config) => {
      const upstreamDir = await ensureUpstreamMirror(config.upstream.url, config.upstream.branch, {
        cacheDir: options.cacheDir,
      });
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
      const synced = await store.get<typeof state>(`synced:${key}`);
      const unchanged = synced?.remote === state.remote && synced.upstream === state.upstream;
      if (!unchanged) await workspace.sync();
      const observed = () => store.set(`synced:${key}`, state);
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
    });
    if (remote && outcome.status === "done" && outcome.report.failed.length === 0)
      await store.set(`ran:${key}`, remote.digest);
    options.onOutcome?.(ref, trigger, outcome);
    return outcome;
  };

  /**
   * Queues one run; a run stopped by a rate limit (thrown, or an effect refused) is queued again after GitHub's
   * reset, at most MAX_RATE_LIMIT_ATTEMPTS times. `settled(true)` once it completed, `settled(false)` if it failed.
   */
  const enqueue = (
    ref: RepositoryRef,
    queued: Trigger,
    queuedSettled: (ok: boolean) => void = () => {},
    attempt = 0,
  ): void => {
    const key = `${ref.owner}/${ref.repo}`;
    // The `push` and `create` of one push: the second joins the first's run while that one still waits.
    const coalesced = attempt === 0 && queued.kind === "push";
    if (coalesced && pushes.join(key, queued, queuedSettled)) return;
    if (coalesced) pushes.wait(key, queued, queuedSettled);
    let trigger = queued;
    let settled = queuedSettled;
    const retryLater = (cause: unknown): boolean => {
      const wait = rateLimitWait(cause, options.clock.now(), attempt);
      if (wait === null) return false;
      if (attempt + 1 >= MAX_RATE_LIMIT_ATTEMPTS) {
        log(`${key}: rate limited ${attempt + 1} times; giving up on this ${trigger.kind} run (the next tick retries)`);
        settled(false);
        return true;
      }
      log(`${key}: rate limited; running the ${trigger.kind} again in ${Math.ceil(wait / 1000)} s`);
      defer(wait, () => enqueue(ref, trigger, settled, attempt + 1));
      return true;
    };
    queue.enqueue(key, async () => {
      if (coalesced) ({ trigger, settled } = pushes.take(key));
      let outcome: RunOutcome | undefined;
      try {
        outcome = await runOne(ref, trigger);
      } catch (error) {
        if (retryLater(error)) return;
        settled(false);
        options.onFailure?.(ref, trigger, error);
        throw error;
      }
      const limited =
        outcome?.status === "done"
          ? outcome.report.failed.find((f) => rateLimitWait(f.cause, new Date(0), 0) !== null)
          : undefined;
      if (limited && retryLater(limited.cause)) return;
      settled(true);
    });
  };

  return {
    enqueue,
    handleWebhook(event, payload, deliveryId) {
      // Any change to an installation (added, removed, suspended; repositories added or removed) is listed anew.
      if (event === "installation" || event === "installation_repositories") void installations.invalidate();
      // GitHub redelivers; a copy of a completed (or running) delivery changes nothing. A failed one runs again.
      if (deliveryId !== null && (deliveries.has(deliveryId) || inFlight.has(deliveryId))) return false;
      const mapped = mapWebhook(event, payload as Parameters<typeof mapWebhook>[1]);
      if (!mapped) return false;
      let open = mapped.repositories.length;
      let allOk = true;
      if (deliveryId !== null && open > 0) inFlight.add(deliveryId);
      const settled = (ok: boolean) => {
        allOk &&= ok;
        if (--open > 0 || deliveryId === null) return;
        inFlight.delete(deliveryId);
        if (!allOk) return;
        deliveries.add(deliveryId);
        if (deliveries.size > REMEMBERED_DELIVERIES) deliveries.delete(deliveries.values().next().value!);
      };
      for (const fullName of mapped.repositories) {
        const [owner = "", repo = ""] = fullName.split("/");
        enqueue({ installationId: mapped.installationId, owner, repo }, mapped.trigger, settled);
      }
      return mapped.repositories.length > 0;
    },
    async runJob(job) {
      const repos = await installations.list();
      if (job !== "poll-upstream") {
        for (const ref of repos) enqueue(ref, { kind: "tick", job });
        return;
      }
      // One fetch per upstream, shared by every repository that follows it; a new tag runs each of them.
      const byUpstream = new Map<string, { config: Config; repos: RepositoryRef[] }>();
      for (const ref of repos) {
        const config = configs.get(`${ref.owner}/${ref.repo}`);
        if (!config) {
          enqueue(ref, { kind: "tick", job }); // no config seen yet: a plain run reads it
          continue;
        }
        const key = `${config.upstream.url} ${config.upstream.branch}`;
        const group = byUpstream.get(key) ?? { config, repos: [] };
        group.repos.push(ref);
        byUpstream.set(key, group);
      }
      // Every upstream at once: one that hangs (until the git timeout) or fails delays and stops no other.
      const polls = [...byUpstream].map(async ([key, group]) => {
        const { url, branch } = group.config.upstream;
        // Nothing remembered (the first poll since start): the mirror's tags, as the runs so far saw them, are
        // the baseline; otherwise the first tag after every restart would go unnoticed until the hourly tick.
        const known =
          knownUpstreamTags.get(key) ??
          new Set(await listUpstreamTags(await ensureUpstreamMirror(url, branch, { cacheDir: options.cacheDir })));
        const tags = await listUpstreamTags(await syncUpstreamMirror(url, branch, { cacheDir: options.cacheDir }));
        knownUpstreamTags.set(key, new Set(tags));
        const fresh = tags.filter((tag) => !known.has(tag));
        if (fresh.length === 0) return;
        for (const ref of group.repos) enqueue(ref, { kind: "tick", job, upstreamTag: fresh.at(-1)! });
      });
      const failed = (await Promise.allSettled(polls)).flatMap((result, i) =>
        result.status === "rejected" ? [[[...byUpstream.keys()][i]!, result.reason] as const] : [],
      );
      for (const [key, error] of failed)
        log(`poll-upstream ${key}: ${error instanceof Error ? error.message : String(error)}`);
    },
    idle: () => queue.idle(),
    oldestRunStart: () => queue.oldestRunStart(),
  };
}
