// Runs through BullMQ on the shared Redis: any instance takes any run, one run per repository at a time (a lease),
// reconcile hints coalesce into a waiting run, commands keep their own job, retries back off, a dead instance's
// run is taken over once its lock expires.
import { createHash } from "node:crypto";
import { DelayedError, Queue, Worker, type Job } from "bullmq";
import type { Redis } from "ioredis";
import { coalescingClass } from "./coalesce.ts";
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
/** A run whose instance died this many times (the lock expired each time) fails for good. */
const MAX_STALLED = 5;
/** How long the deliveries a coalescing run took stay under its key (far beyond any run and its retries). */
const COVERED_RUN_MS = 24 * 3600_000;
// Moves the deliveries waiting for a coalescing run to the run's own set, at once.
const TAKE_COVERED = [
  `redis.call('SUNIONSTORE', KEYS[2], KEYS[2], KEYS[1])`,
  `redis.call('DEL', KEYS[1])`,
  `if redis.call('EXISTS', KEYS[2]) == 1 then redis.call('PEXPIRE', KEYS[2], ARGV[1]) end`,
  `return 1`,
].join("\n");
const digest = (text: string) => createHash("sha256").update(text).digest("hex").slice(0, 24);

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

  // The deliveries a coalescing run answers for, kept under the job's own key until it completed: an instance that
  // dies in the run leaves them to the instance that takes the job over.
  const takenKey = (jobId: string) => shared.key(`covered-run:${jobId}`);
  const takeCovered = async (job: Job<JobData>): Promise<string[]> => {
    if (!job.data.coalesce || !job.id) return [];
    const taken = takenKey(job.id);
    await shared.redis.eval(TAKE_COVERED, 2, coveredKey(job.data.coalesce), taken, String(COVERED_RUN_MS));
    return shared.redis.smembers(taken);
  };
  /** Every delivery the job answers for: completed (`ok`), or failed for good (forgotten: a redelivery runs). */
  const settle = async (job: Job<JobData>, ok: boolean) => {
    const taken = job.data.coalesce && job.id ? await shared.redis.smembers(takenKey(job.id)) : [];
    const deliveries = [...job.data.deliveries, ...taken];
    for (const delivery of deliveries) await shared.settleDelivery(delivery, ok);
    if (job.data.coalesce && job.id) await shared.redis.del(takenKey(job.id));
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
    try {
      // The deliveries that coalesced into this run so far; later ones get the next run (keepLastIfActive).
      await takeCovered(job);
      const result = await perform(request, job.attemptsMade);
      if (result.status === "rate-limited") throw new RetryLater(result.waitMs);
      // Marked done only now, the run completed (and still held: a lost lease means another instance may
      // run it again, which settles it then).
      await settle(job, true);
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
    maxStalledCount: MAX_STALLED,
    // Kept an hour: a copy of a delivery whose runs are being queued re-adds the same job ids, a no-op then.
    removeOnComplete: { age: 3600, count: 10_000 },
    removeOnFail: { count: 1000 },
    settings: { backoffStrategy: (attemptsMade, _type, error) => retryDelay(attemptsMade, error) },
  });
  worker.on("stalled", (jobId) => {
    log(`run ${jobId}: its instance stopped renewing the lock; taken over`);
    options.onTakeover?.();
  });
  worker.on("error", (error) => log(`queue worker: ${error.message}`));
  // A failure is logged; failed for good (attempts spent, or stalled more than MAX_STALLED times: an instance dying
  // in it each time), its deliveries are forgotten, so GitHub's redelivery runs them again.
  worker.on("failed", (job, error) => {
    if (!job) return log(`queue worker: a run failed: ${error.message}`);
    const { request } = job.data;
    const name = `${request.ref.owner}/${request.ref.repo}`;
    log(`run ${job.id}: ${name} (${request.trigger.kind}) failed: ${error.stack ?? error.message}`);
    void (async () => {
      if ((await job.getState()) !== "failed") return; // retried later
      log(`${name}: giving up on this ${request.trigger.kind} run after ${job.attemptsMade} attempts`);
      await settle(job, false);
    })().catch((failure: unknown) => log(`queue worker: ${String(failure)}`));
  });

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
      const token = delivery === null ? null : await shared.beginDelivery(delivery, runs.length);
      if (delivery !== null && token === null) return false;
      try {
        for (const [i, request] of runs.entries()) {
          const name = `${request.ref.owner}/${request.ref.repo}`;
          const kind = coalescingClass(request.trigger);
          const common = { attempts: MAX_RATE_LIMIT_ATTEMPTS, backoff: { type: "custom" } };
          if (kind !== null) {
            const coalesce = `${name} ${kind}`;
            if (delivery !== null) await shared.redis.sadd(coveredKey(coalesce), delivery);
            const data: JobData = { request, deliveries: [], coalesce };
            await queue.add(kind, data, { ...common, deduplication: { id: coalesce, keepLastIfActive: true } });
          } else {
            // Its own job; a copy of the delivery queuing it too gives the same id (BullMQ adds it once).
            const data: JobData = { request, deliveries: delivery === null ? [] : [delivery] };
            const jobId = delivery === null ? {} : { jobId: `d-${digest(delivery)}-${token}-${i}` };
            await queue.add(request.trigger.kind, data, { ...common, ...jobId });
          }
        }
        if (delivery !== null) await shared.deliveryQueued(delivery);
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
