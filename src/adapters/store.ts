// The app's small memory between runs (ETags and the answers they validate, remembered issue numbers, ref states,
// the installation list) behind one async key-value interface: process memory by default, Redis-ready.
export interface KeyValueStore {
  /** The value stored under `key` (a JSON value), undefined when absent or evicted. */
  get<T>(key: string): Promise<T | undefined>;
  /** Stores a JSON-serialisable value; a store may evict old keys (everything here can be read again). */
  set(key: string, value: unknown): Promise<void>;
  delete(key: string): Promise<void>;
}

/** Keys kept by the in-memory store before the least recently used go (a few per repository). */
export const MEMORY_STORE_KEYS = 20_000;

/**
 * A store in this process's memory, least recently used keys evicted first. Values are kept as JSON text, as a
 * shared store (Redis) would keep them: what a caller reads back is a copy, never the object it stored.
 */
export function createMemoryStore(maxKeys = MEMORY_STORE_KEYS): KeyValueStore {
  const entries = new Map<string, string>();
  return {
    async get<T>(key: string) {
      const text = entries.get(key);
      if (text === undefined) return undefined;
      entries.delete(key);
      entries.set(key, text);
      return JSON.parse(text) as T;
    },
    async set(key, value) {
      entries.delete(key);
      entries.set(key, JSON.stringify(value));
      while (entries.size > maxKeys) entries.delete(entries.keys().next().value!);
    },
    async delete(key) {
      entries.delete(key);
    },
  };
}
