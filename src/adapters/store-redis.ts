// The KeyValueStore in Redis, shared by the instances of one deployment: namespaced keys, every one with a TTL.
import type { KeyValueStore } from "./store.ts";

/** What the store needs of an ioredis client. */
export interface RedisStrings {
  get(key: string): Promise<string | null>;
  set(key: string, value: string, px: "PX", ms: number): Promise<unknown>;
  del(key: string): Promise<number>;
}

/** A day: everything kept can be read again from GitHub, and most of it changes far sooner. */
export const REDIS_STORE_TTL_MS = 24 * 3600_000;

/** Keys `<namespace>:<key>`, values JSON text, each set with `ttlMs` (Redis evicts them on its own after). */
export function createRedisStore(redis: RedisStrings, namespace: string, ttlMs = REDIS_STORE_TTL_MS): KeyValueStore {
  const full = (key: string) => `${namespace}:${key}`;
  return {
    async get<T>(key: string) {
      const text = await redis.get(full(key));
      return text === null ? undefined : (JSON.parse(text) as T);
    },
    async set(key, value) {
      await redis.set(full(key), JSON.stringify(value), "PX", ttlMs);
    },
    async delete(key) {
      await redis.del(full(key));
    },
  };
}
