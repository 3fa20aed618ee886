// Runs through BullMQ on the shared Redis: any instance takes any run, one run per repository at a time (a lease),
// reconcile hints coalesce into a waiting run, commands keep their own job, retries back off, a dead instance's
// run is taken over once its lock expires.
import { DelayedError, Queue, Worker, type Job } from "bullmq";
import type { Redis } from "ioredis";
import type { Trigger } from "../ports.ts";
import { MAX_RATE_LIMIT_ATTEMPTS } from "./rate-limit.ts";
import type { Shared } from "./redis.ts";
import type { Perform, RunRequest, WorkBackend } from "./work.ts";

export interface RedisWorkOptions {
  readonly log: (line: string) => void;
  /** Runs at once on this instance. */
  readonly maxRuns: number;
  /** How long a run's lock (BullMQ's and the repository lease) lasts without renewal: a dead instance's runs are
   * taken over after about this long (and at most twice as long). */
  readonly leaseMs: number;
  /** Jobs waiting, delayed or running in the whole queue (all instances), refreshed every few seconds. */
  readonly onDepth?: (depth: number) => void;
  /** A run whose instance stopped renewing its lock, put back to run here or on another instance. */
  readonly onTakeover?: () => void;
  readonly onStarted?: (waitedMs: number) => void;
}

interface JobData {
  readonly request: RunRequest;
  /** Deliveries this run answers for (a coalesced run collects the ones that coalesced into it when it starts). */
  readonly deliveries: readonly string[];
  /** Set for a coalescing run: `<owner>/<repo> <class>`. */
  readonly coalesce?: string;
}

const QUEUE = "runs";

/**
 * The class a trigger coalesces in, or null when it keeps its identity. Every reconcile is the same work (a run
 * observes everything), so ten pushes need one run; a scheduled tick stays apart from a hint (it may dispatch
 * tests or remind); commands, pull requests and workflow runs each carry what only they know.
 */
export function coalescingClass(trigger: Trigger): string | null {
  if (trigger.kind === "push") return "hint";
  if (trigger.kind === "tick") return trigger.upstreamTag === undefined ? "scheduled" : "hint";
  return null;
}

/** Thrown by a run that GitHub's rate limit stopped: BullMQ retries it after `waitMs`. */
class RetryLater extends Error {
  constructor(readonly waitMs: number) {
    super(`rate limited; retrying in ${Math.ceil(waitMs / 1000)} s`);
  }
}

/** Backoff of plain failures: 5 s, 10 s, 20 s, 40 s. */
export function retryDelay(attemptsMade: number, error: unknown): number {
  if (error instanceof RetryLater) return error.waitMs;
  return Math.min(5_000 * 2 ** Math.max(0, attemptsMade - 1), 5 * 60_000);
}

export function createRedisWork(
  perform: Perform,
  shared: Shared,
  connection: Redis,
  options: RedisWorkOptions,
): WorkBackend {
  const { log } = options;
  const prefix = shared.prefix;
  const queue = new Queue(QUEUE, { connection, prefix });
  const running = new Set<Date>();
  const coveredKey = (coalesce: string) => shared.key(`covered:${coalesce}`);
  // Installations whose runs are dropped, shared by every instance: id → until (ms), 0 for "until restored".
  const droppedKey = shared.key("dropped-installations");
  const isDropped = async (installationId: number) => {
    const until = await shared.redis.hget(droppedKey, String(installationId));
    return until !== null && (Number(until) === 0 || Number(until) > Date.now());
  };

  const processor = async (job: Job<JobData>, token?: string) => {
    const { request } = job.data;
    const name = `${request.ref.owner}/${request.ref.repo}`;
    if (await isDropped(request.ref.installationId)) {
      log(`${name}: installation ${request.ref.installationId} is gone; its ${request.trigger.kind} run is dropped`);
      for (const delivery of job.data.deliveries) await shared.settleDelivery(delivery, true);
      return;
    }
    const lease = await shared.lease(`repo:${name}`, options.leaseMs);
    if (!lease) {
      // Another instance runs this repository: wait a little, without spending an attempt.
      await job.moveToDelayed(Date.now() + 250 + Math.floor(Math.random() * 750), token);
      throw new DelayedError();
    }
    const startedAt = new Date();
    running.add(startedAt);
    options.onStarted?.(startedAt.getTime() - job.timestamp);
    const run = `${job.id}.${job.attemptsMade}`;
    log(`run ${run} started: ${name} (${request.trigger.kind})`);
    let deliveries = job.data.deliveries;
    try {
      if (job.data.coalesce) {
        // The deliveries that coalesced into this run so far; later ones get the next run (keepLastIfActive).
        const [[, members]] = (await shared.redis
          .multi()
          .smembers(coveredKey(job.data.coalesce))
          .del(coveredKey(job.data.coalesce))
          .exec()) as [[Error | null, string[]]];
        if (members.length > 0) {
          deliveries = [...deliveries, ...members];
          await job.updateData({ ...job.data, deliveries });
        }
      }
      const result = await perform(request, job.attemptsMade);
      if (result.status === "rate-limited") throw new RetryLater(result.waitMs);
      for (const delivery of deliveries) await shared.settleDelivery(delivery, true);
    } catch (error) {
      const last = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
      if (last) {
        log(`${name}: giving up on this ${request.trigger.kind} run after ${job.attemptsMade + 1} attempts`);
        for (const delivery of deliveries) await shared.settleDelivery(delivery, false).catch(() => {});
      }
      throw error;
    } finally {
      log(`run ${run} ended: ${name}`);
      running.delete(startedAt);
      await lease.release();
    }
  };

  const worker = new Worker<JobData>(QUEUE, processor, {
    connection,
    prefix,
    concurrency: options.maxRuns,
    lockDuration: options.leaseMs,
    stalledInterval: options.leaseMs,
    maxStalledCount: 5,
    removeOnComplete: { count: 0 },
    removeOnFail: { count: 1000 },
    settings: { backoffStrategy: (attemptsMade, _type, error) => retryDelay(attemptsMade, error) },
  });
  worker.on("stalled", (jobId) => {
    log(`run ${jobId}: its instance stopped renewing the lock; taken over`);
    options.onTakeover?.();
  });
  worker.on("error", (error) => log(`queue worker: ${error.message}`));

  const depth = async () => {
    const counts = await queue.getJobCounts("waiting", "active", "delayed", "prioritized");
    return Object.values(counts).reduce((sum, n) => sum + n, 0);
  };
  const refresh = setInterval(() => {
    depth().then(
      (n) => options.onDepth?.(n),
      () => {},
    );
  }, 2_000);
  refresh.unref();

  return {
    async submit(delivery, runs) {
      if (delivery !== null && !(await shared.beginDelivery(delivery, runs.length))) return false;
      try {
        for (const request of runs) {
          const name = `${request.ref.owner}/${request.ref.repo}`;
          const kind = coalescingClass(request.trigger);
          const common = { attempts: MAX_RATE_LIMIT_ATTEMPTS, backoff: { type: "custom" } };
          if (kind !== null) {
            const coalesce = `${name} ${kind}`;
            if (delivery !== null) await shared.redis.sadd(coveredKey(coalesce), delivery);
            const data: JobData = { request, deliveries: [], coalesce };
            await queue.add(kind, data, { ...common, deduplication: { id: coalesce, keepLastIfActive: true } });
          } else {
            // Its own job (the delivery record already keeps a redelivery from adding it twice).
            const data: JobData = { request, deliveries: delivery === null ? [] : [delivery] };
            await queue.add(request.trigger.kind, data, common);
          }
        }
      } catch (error) {
        if (delivery !== null) await shared.settleDelivery(delivery, false).catch(() => {});
        throw error;
      }
      return true;
    },
    async idle() {
      while ((await depth()) > 0 || running.size > 0) await new Promise((resolve) => setTimeout(resolve, 100));
    },
    async dropInstallation(installationId, until) {
      await shared.redis.hset(droppedKey, String(installationId), String(until ?? 0));
    },
    async restoreInstallation(installationId) {
      await shared.redis.hdel(droppedKey, String(installationId));
    },
    isDropped,
    oldestRunStart() {
      let oldest: Date | null = null;
      for (const start of running) if (!oldest || start < oldest) oldest = start;
      return oldest;
    },
    async close() {
      clearInterval(refresh);
      await worker.close();
      await queue.close();
    },
  };
}
