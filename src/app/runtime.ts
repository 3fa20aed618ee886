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
import type { Config } from "../config/load.ts";
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
  installation(
    installationId: number,
  ): Promise<{ readonly github: (owner: string, repo: string) => GitHubPort; readonly token: string }>;
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

export function createRuntime(options: RuntimeOptions): Runtime {
  const { access, log } = options;
  const queue = createJobQueue(
    (key, error) =>
      log(`${key}: run failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`),
    options.queueObserver,
  );
  const configs = new ConfigMemory();
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
    const github = installation.github(ref.owner, ref.repo);
    const openGit = async (config: Config): Promise<OpenedGit> => {
      const upstream = {
        dir: await ensureUpstreamMirror(config.upstream.url, config.upstream.branch, { cacheDir: options.cacheDir }),
      };
      const workspace = await openRepoWorkspace(
        {
          owner: ref.owner,
          repo: ref.repo,
          cloneUrl: access.cloneUrl(ref.owner, ref.repo),
          token: installation.token,
          upstreamDir: upstream.dir,
          upstreamUrl: config.upstream.url,
          upstreamBranch: config.upstream.branch,
        },
        { cacheDir: options.cacheDir },
      );
      await workspace.sync();
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
      if (!signersPath) return { git, requestPull };
      const text = await github.readConfigFile(signersPath);
      if (text === null) return { git, requestPull };
      const file = join(options.cacheDir, "signers", `${ref.owner}__${ref.repo}`);
      mkdirSync(join(options.cacheDir, "signers"), { recursive: true });
      writeFileSync(file, text);
      return { git, requestPull, allowedSignersFile: file };
    };
    const outcome = await run(trigger, {
      github,
      openGit,
      clock: options.clock,
      configs,
      owner: ref.owner,
      repo: ref.repo,
      defaultPublicUrl: access.cloneUrl(ref.owner, ref.repo),
      signingKey: options.signingKey,
      log,
    });
    options.onOutcome?.(ref, trigger, outcome);
    return outcome;
  };

  /**
   * Queues one run; a run stopped by a rate limit (thrown, or an effect refused) is queued again after GitHub's
   * reset, at most MAX_RATE_LIMIT_ATTEMPTS times. `settled(true)` once it completed, `settled(false)` if it failed.
   */
  const enqueue = (
    ref: RepositoryRef,
    trigger: Trigger,
    settled: (ok: boolean) => void = () => {},
    attempt = 0,
  ): void => {
    const key = `${ref.owner}/${ref.repo}`;
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
      const repos = await access.listRepositories();
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
