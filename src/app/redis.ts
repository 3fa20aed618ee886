// What several instances share through one Redis (REDIS_URL): delivery records, leases (a repository's run, an
// upstream poll), node-cron's RunCoordinator, the last poll of each upstream. Keys live under one prefix.
import { createHash, randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import type { RunCoordinator } from "node-cron";
import type { UpstreamPolls } from "./runtime.ts";

export interface RedisSettings {
  /** `redis://[:password@]host:port[/db]` */
  readonly url: string;
  /** Every key (BullMQ's too) starts with `<prefix>:`; instances of one deployment share it. */
  readonly prefix: string;
}

/** REDIS_URL and MERGE_WINDOW_REDIS_PREFIX; null without REDIS_URL (one process, everything in memory). */
export function readRedisSettings(env: NodeJS.ProcessEnv): RedisSettings | null {
  const url = env.REDIS_URL;
  if (!url) return null;
  if (!/^rediss?:\/\//.test(url))
    throw new Error(`REDIS_URL: expected redis://host:port or rediss://…, got another scheme`);
  const prefix = env.MERGE_WINDOW_REDIS_PREFIX || "merge-window";
  if (!/^[A-Za-z0-9._-]{1,64}$/.test(prefix))
    throw new Error(`MERGE_WINDOW_REDIS_PREFIX=${JSON.stringify(prefix)}: expected letters, digits, . _ - only`);
  return { url, prefix };
}

/** `redis://host:port/db` without a password, for logs and /readyz. */
export function describeRedisUrl(url: string): string {
  return url.replace(/\/\/[^@/]*@/, "//");
}

/** A client for BullMQ (no request retry limit: a blocking worker waits through a Redis restart). */
export function connectQueueRedis(url: string): Redis {
  return new Redis(url, { maxRetriesPerRequest: null });
}

/**
 * A client for deliveries, leases and the coordinator: while Redis is away a command fails at once (a webhook
 * gets a 5xx, a schedule slot is skipped) instead of waiting. Resolves once Redis answered; an error naming the
 * URL (without its password) after `timeoutMs`.
 */
export async function connectSharedRedis(url: string, timeoutMs = 10_000): Promise<Redis> {
  const redis = new Redis(url, { enableOfflineQueue: false, maxRetriesPerRequest: 1 });
  let lastError = "no answer";
  redis.on("error", (error: Error) => (lastError = error.message));
  const ready = new Promise<void>((resolve) => redis.once("ready", () => resolve()));
  const timeout = new Promise<"timeout">((resolve) => setTimeout(() => resolve("timeout"), timeoutMs).unref());
  if ((await Promise.race([ready, timeout])) === "timeout") {
    redis.disconnect();
    throw new Error(`REDIS_URL ${describeRedisUrl(url)}: Redis did not answer within ${timeoutMs} ms (${lastError})`);
  }
  return redis;
}

/** A lease held under one key until released or expired; renewed while held. */
export interface Lease {
  release(): Promise<void>;
  /** False once the lease was lost (expired before a renewal: another holder may have it now). */
  readonly held: boolean;
}

// Deletes or extends a key only when it still holds our token.
const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;
const RENEW = [
  `if redis.call('GET', KEYS[1]) == ARGV[1] then`,
  `return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end return 0`,
].join(" ");
// A delivery: `receiving` while its runs are being queued (a short TTL: if the instance dies there, the record
// goes and a redelivery runs it), `pending` once queued, `done` once they all completed (`open` counts down).
// Absent: never seen, or failed for good. A copy finding `receiving` queues the runs too, under the same token
// (its runs' job ids: BullMQ adds a job id once), so a copy racing an instance that died there still runs.
const BEGIN = [
  `local state = redis.call('HGET', KEYS[1], 'state')`,
  `if state == 'receiving' then return redis.call('HGET', KEYS[1], 'token') end`,
  `if state then return false end`,
  `redis.call('HSET', KEYS[1], 'state', 'receiving', 'open', ARGV[1], 'token', ARGV[3])`,
  `redis.call('PEXPIRE', KEYS[1], ARGV[2])`,
  `return ARGV[3]`,
].join("\n");
const QUEUED = [
  `if redis.call('HGET', KEYS[1], 'state') ~= 'receiving' then return 0 end`,
  `redis.call('HSET', KEYS[1], 'state', 'pending')`,
  `redis.call('PEXPIRE', KEYS[1], ARGV[1])`,
  `return 1`,
].join("\n");
const SETTLE = [
  `if redis.call('EXISTS', KEYS[1]) == 0 then return -1 end`,
  `if ARGV[1] == '0' then redis.call('DEL', KEYS[1]) return -1 end`,
  `local open = redis.call('HINCRBY', KEYS[1], 'open', -1)`,
  `if open <= 0 then redis.call('HSET', KEYS[1], 'state', 'done') redis.call('PEXPIRE', KEYS[1], ARGV[2]) end`,
  `return open`,
].join("\n");

/** Queuing a delivery's runs takes milliseconds; a record still `receiving` after this lost its instance. */
export const DELIVERY_RECEIVING_MS = 60_000;
/** A pending delivery is forgotten after a day (its runs long over or lost); a done one is kept a week. */
export const DELIVERY_PENDING_MS = 24 * 3600_000;
export const DELIVERY_DONE_MS = 7 * 24 * 3600_000;

export interface Shared {
  readonly redis: Redis;
  readonly prefix: string;
  /** `<prefix>:<name>` */
  key(name: string): string;
  /**
   * Records a delivery before its runs are queued: null when any instance queued it already (pending or done);
   * else the token naming its runs, to queue here (new, or a copy of one whose runs are being queued right now).
   */
  beginDelivery(id: string, runs: number): Promise<string | null>;
  /** The delivery's runs are all queued (then its 2xx): pending until they complete. */
  deliveryQueued(id: string): Promise<void>;
  /** One of the delivery's runs completed (ok) or failed for good (a redelivery then runs again). */
  settleDelivery(id: string, ok: boolean): Promise<void>;
  /** The delivery's state, for tests and operators: receiving, pending, done, or null. */
  deliveryState(id: string): Promise<string | null>;
  /** SET NX PX: the lease, renewed every third of `ttlMs` while held; null when another holder has it. */
  lease(name: string, ttlMs: number): Promise<Lease | null>;
  /** node-cron's RunCoordinator: SET NX PX on `<prefix>:cron:<name>:<slot ISO>`, never deleted (it expires). */
  readonly coordinator: RunCoordinator;
  close(): Promise<void>;
}

export function createShared(redis: Redis, prefix: string): Shared {
  const key = (name: string) => `${prefix}:${name}`;
  return {
    redis,
    prefix,
    key,
    async beginDelivery(id, runs) {
      const token = randomUUID().slice(0, 8);
      const args = [String(runs), String(DELIVERY_RECEIVING_MS), token];
      const begun = await redis.eval(BEGIN, 1, key(`delivery:${id}`), ...args);
      return typeof begun === "string" ? begun : null;
    },
    async deliveryQueued(id) {
      await redis.eval(QUEUED, 1, key(`delivery:${id}`), String(DELIVERY_PENDING_MS));
    },
    async settleDelivery(id, ok) {
      await redis.eval(SETTLE, 1, key(`delivery:${id}`), ok ? "1" : "0", String(DELIVERY_DONE_MS));
    },
    async deliveryState(id) {
      return redis.hget(key(`delivery:${id}`), "state");
    },
    async lease(name, ttlMs) {
      const token = randomUUID();
      const k = key(`lease:${name}`);
      if ((await redis.set(k, token, "PX", ttlMs, "NX")) !== "OK") return null;
      let held = true;
      const timer = setInterval(() => {
        redis.eval(RENEW, 1, k, token, String(ttlMs)).then(
          (renewed) => {
            if (renewed !== 1) held = false;
          },
          () => {}, // Redis away for a moment: the next renewal tries again before the lease ends
        );
      }, ttlMs / 3);
      timer.unref();
      return {
        get held() {
          return held;
        },
        async release() {
          clearInterval(timer);
          held = false;
          await redis.eval(RELEASE, 1, k, token).catch(() => {}); // expires on its own otherwise
        },
      };
    },
    coordinator: {
      async shouldRun(slotKey, ttlMs) {
        // Throws when Redis is down: node-cron then skips the slot (fail closed, `coordinator-error`).
        return (await redis.set(key(`cron:${slotKey}`), "1", "PX", ttlMs, "NX")) === "OK";
      },
    },
    async close() {
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}

/** Upstream polls across instances: a lease per upstream (a second instance skips it), the tags it saw. */
export function createRedisPolls(shared: Shared): UpstreamPolls {
  const id = (upstream: string) => createHash("sha256").update(upstream).digest("hex").slice(0, 24);
  return {
    async exclusive(upstream, poll) {
      const lease = await shared.lease(`poll:${id(upstream)}`, 60_000);
      if (!lease) return null;
      try {
        return await poll();
      } finally {
        await lease.release();
      }
    },
    async last(upstream) {
      const [tags, at] = await shared.redis.hmget(shared.key(`upstream:${id(upstream)}`), "tags", "at");
      if (!tags || !at) return null;
      return { tags: JSON.parse(tags) as string[], at: Number(at) };
    },
    async remember(upstream, tags, at) {
      await shared.redis.hset(shared.key(`upstream:${id(upstream)}`), "tags", JSON.stringify(tags), "at", String(at));
    },
  };
}
