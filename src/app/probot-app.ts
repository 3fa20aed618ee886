// The Probot app: builds the runtime from Probot's auth, hands every allowlisted webhook to it, starts the schedule.
import type { ApplicationFunction, ApplicationFunctionOptions, Probot } from "probot";
import { createSystemClock, type Clock } from "../adapters/clock.ts";
import type { SigningKey } from "../adapters/git/index.ts";
import { observeGit } from "../adapters/git/runner.ts";
import { createGitHubAdapter } from "../adapters/github/index.ts";
import type { KeyValueStore } from "../adapters/store.ts";
import { createRedisStore } from "../adapters/store-redis.ts";
import { redactSecrets } from "../domain/markdown.ts";
import { describeCredentials, verifyCredentials } from "./credentials.ts";
import { createHealthHandler, createHealthState, type HealthState } from "./health.ts";
import { createMetrics, instrumentOctokit, type HookableOctokit, type Metrics } from "./metrics.ts";
import { createRuntime, type AppAccess, type Runtime } from "./runtime.ts";
import type { Redis } from "ioredis";
import { DEFAULT_MAX_RUNS } from "./queue.ts";
import { createRedisWork } from "./redis-work.ts";
import { createRedisPolls, describeRedisUrl, type Shared } from "./redis.ts";
import { startScheduler, type JobName, type Scheduler } from "./schedule.ts";
import { type HANDLED_EVENTS } from "./webhooks.ts";

/** The events subscribed to; mapWebhook() then keeps only HANDLED_EVENTS' actions. */
const WEBHOOK_EVENTS = [
  "push",
  "create",
  "delete",
  "pull_request",
  "issue_comment",
  "workflow_run",
  "installation",
  "installation_repositories",
] as const;
WEBHOOK_EVENTS satisfies readonly (keyof typeof HANDLED_EVENTS)[];

export interface AppOptions {
  readonly cacheDir: string;
  /** Base of clone URLs: `https://github.com` (or the sandbox forge). */
  readonly gitBaseUrl: string;
  readonly clock?: Clock;
  readonly signingKey?: SigningKey | null;
  readonly gnupgHome?: string;
  /** Start the cron table (off in tests and the demo, which drive jobs themselves). */
  readonly schedule?: boolean;
  /** Receives the runtime once built (tests and the demo wait on runtime.idle()). */
  readonly onRuntime?: (runtime: Runtime) => void;
  /** Where rate-limited runs wait for GitHub's reset (default a timer; the sandbox drives its own clock). */
  readonly defer?: (ms: number, job: () => void) => void;
  /** The process's metrics (a fresh registry when absent). */
  readonly metrics?: Metrics;
  /** Receives the readiness state (tests). */
  readonly onHealth?: (health: HealthState) => void;
  /** What runs remember between them (ETags, issue numbers, ref states); default this process's memory. */
  readonly store?: KeyValueStore;
  /** Runs at once on this instance (MERGE_WINDOW_RUNS). */
  readonly maxRuns?: number;
  /** Receives how to stop: the schedule, then the queue (resolves once this instance's running runs finished). */
  readonly onStop?: (stop: () => Promise<void>) => void;
  /** Several instances on one Redis (REDIS_URL): deliveries, the queue, leases and schedule slots live there. */
  readonly redis?: SharedRedis;
}

export interface SharedRedis {
  readonly url: string;
  readonly shared: Shared;
  /** BullMQ's connection (it waits through a Redis restart). */
  readonly queueConnection: Redis;
  /** A run's lock: a dead instance's runs are taken over after about this long. */
  readonly leaseMs: number;
}

/** How often refused credentials are asked again (an operator may fix the app's key without a restart). */
const CREDENTIALS_RETRY_MS = 5 * 60_000;

export function createMergeWindowApp(options: AppOptions): ApplicationFunction {
  return (app: Probot, appOptions?: ApplicationFunctionOptions) => {
    // The one log sink of the app's own lines: git errors can quote a remote URL with its token.
    const log = (line: string) => app.log.info(redactSecrets(line));
    const metrics = options.metrics ?? createMetrics();
    const { redis } = options;
    observeGit((command, ms, ok) => metrics.gitDuration.observe({ command, outcome: ok ? "ok" : "failed" }, ms / 1000));
    const runtime = createRuntime({
      access: createProbotAccess(app, options.gitBaseUrl, metrics),
      clock: options.clock ?? createSystemClock(),
      cacheDir: options.cacheDir,
      signingKey: options.signingKey ?? null,
      ...(options.gnupgHome ? { gnupgHome: options.gnupgHome } : {}),
      ...(options.defer ? { defer: options.defer } : {}),
      log,
      onOutcome: (_repo, trigger, outcome) => metrics.runs.inc({ trigger: trigger.kind, outcome: outcome.status }),
      onFailure: (_repo, trigger) => {
        metrics.runs.inc({ trigger: trigger.kind, outcome: "failed" });
        metrics.runFailures.inc({ trigger: trigger.kind });
      },
      // With Redis the instances share it (ETags, issue numbers, the installation list): one budget, not N.
      ...(options.store
        ? { store: options.store }
        : redis
          ? { store: createRedisStore(redis.shared.redis, redis.shared.key("kv")) }
          : {}),
      queueObserver: {
        depth: (pending) => metrics.queueDepth.set(pending),
        started: (waitedMs) => metrics.queueWait.observe(waitedMs / 1000),
      },
      ...(options.maxRuns ? { maxRuns: options.maxRuns } : {}),
      ...(redis
        ? {
            polls: createRedisPolls(redis.shared),
            work: (perform) =>
              createRedisWork(perform, redis.shared, redis.queueConnection, {
                log,
                maxRuns: options.maxRuns ?? DEFAULT_MAX_RUNS,
                leaseMs: redis.leaseMs,
                onDepth: (depth) => metrics.queueDepth.set(depth),
                onTakeover: () => metrics.lockTakeovers.inc(),
                onStarted: (waitedMs) => metrics.queueWait.observe(waitedMs / 1000),
              }),
          }
        : {}),
    });
    options.onRuntime?.(runtime);
    const lifecycle: Lifecycle = { scheduler: null, stopping: false };
    options.onStop?.(async () => {
      lifecycle.stopping = true;
      await lifecycle.scheduler?.stop();
      await runtime.close();
    });
    const health = createHealthState(() => runtime.oldestRunStart());
    if (redis) {
      const where = describeRedisUrl(redis.url);
      health.redis = () =>
        redis.shared.redis.status === "ready" ? null : `Redis ${where} not answering (${redis.shared.redis.status})`;
    }
    options.onHealth?.(health);
    try {
      appOptions?.addHandler(createHealthHandler(health, metrics));
    } catch {
      // probot.load() outside a server (tests): there is no HTTP server to add the routes to
    }
    // Acknowledged at once: the handler only queues; git work runs off the request path.
    // With Redis the delivery is recorded there first: if Redis is down the answer is a 5xx (GitHub shows the
    // delivery as failed and it can be redelivered), never a 2xx for work nobody holds.
    app.on([...WEBHOOK_EVENTS], async (context) => {
      await runtime.handleWebhook(context.name, context.payload, context.id);
    });
    if (options.schedule ?? true) void verifyThenSchedule(app, runtime, health, metrics, redis, lifecycle);
  };
}

/** The schedule once started, and whether the instance is stopping (then no schedule starts). */
interface Lifecycle {
  scheduler: Scheduler | null;
  stopping: boolean;
}

/** Asks GET /app (one clear line either way); scheduled jobs start only once GitHub accepts the credentials. */
async function verifyThenSchedule(
  app: Probot,
  runtime: Runtime,
  health: HealthState,
  metrics: Metrics,
  redis: SharedRedis | undefined,
  lifecycle: Lifecycle,
) {
  const auth = async () => {
    const octokit = await app.auth();
    instrumentOctokit(octokit as unknown as HookableOctokit, metrics);
    return octokit;
  };
  health.credentials = await verifyCredentials(auth);
  const line = describeCredentials(health.credentials);
  if (health.credentials.status === "verified") app.log.info(line);
  else app.log.error(line);
  if (health.credentials.status !== "verified") {
    const retry = () => void verifyThenSchedule(app, runtime, health, metrics, redis, lifecycle);
    setTimeout(retry, CREDENTIALS_RETRY_MS).unref();
    return;
  }
  const runJob = async (job: JobName) => {
    await runtime.runJob(job);
    if (job !== "poll-upstream") return;
    health.lastUpstreamPoll = new Date();
    metrics.lastUpstreamPoll.set(health.lastUpstreamPoll.getTime() / 1000);
  };
  if (lifecycle.stopping) return;
  lifecycle.scheduler = startScheduler(runJob, {
    onError: (job, error) =>
      app.log.error(
        redactSecrets(`scheduled job ${job} failed: ${error instanceof Error ? error.stack : String(error)}`),
      ),
    onSkip: (job) => app.log.warn(`scheduled job ${job} still running: this slot is skipped`),
    onRun: (job, slot, catchUp) =>
      app.log.info(
        `scheduled job ${job}: running the ${slot.toISOString()} slot${catchUp ? " (catch-up at start)" : ""}`,
      ),
    onSlotSkipped: (job, slot, reason, error) => {
      metrics.slotsSkipped.inc({ job, reason });
      const line = `scheduled job ${job}: the ${slot.toISOString()} slot is skipped here (${reason})`;
      if (reason === "not-elected") return app.log.info(`${line}: another instance runs it`);
      // Fail closed: nobody runs this slot; the next one catches up from repository state.
      app.log.error(`${line}: Redis did not answer${error ? ` (${error.message})` : ""}; the next slot catches up`);
    },
    ...(redis ? { coordinator: redis.shared.coordinator } : {}),
  });
}

/** AppAccess over Probot: installation clients and tokens, the app's slug, the installed repositories. */
export function createProbotAccess(app: Probot, gitBaseUrl: string, metrics?: Metrics): AppAccess {
  const auth = async (installationId?: number) => {
    const octokit = await app.auth(installationId);
    if (metrics) instrumentOctokit(octokit as unknown as HookableOctokit, metrics);
    return octokit;
  };
  let slug: Promise<string> | null = null;
  // Asked once; a failed lookup is forgotten, or one network error would fail every later run until a restart.
  const appSlug = () =>
    (slug ??= auth()
      .then(async (octokit) => (await octokit.request("GET /app")).data?.slug ?? "merge-window")
      .catch((error: unknown) => {
        slug = null;
        throw error;
      }));
  return {
    async installation(installationId) {
      const octokit = await auth(installationId);
      const { token } = (await octokit.auth({ type: "installation" })) as { token: string };
      const name = await appSlug();
      return {
        token,
        github: (owner, repo, store) =>
          createGitHubAdapter({ octokit, owner, repo, appSlug: name, ...(store ? { store } : {}) }),
      };
    },
    async listRepositories() {
      const octokit = await auth();
      const installations = await octokit.paginate("GET /app/installations", { per_page: 100 });
      const repos = [];
      for (const installation of installations) {
        const client = await auth(installation.id);
        const list = await client.paginate("GET /installation/repositories", { per_page: 100 });
        for (const repo of list)
          repos.push({ installationId: installation.id, owner: repo.owner.login, repo: repo.name });
      }
      return repos;
    },
    cloneUrl: (owner, repo) => `${gitBaseUrl.replace(/\/+$/, "")}/${owner}/${repo}.git`,
  };
}
