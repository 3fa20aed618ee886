// The installed repositories, listed once and kept: scheduled jobs run every ten minutes, the list changes only
// when an installation does (GitHub sends installation / installation_repositories), and a long TTL bounds a miss.
import type { KeyValueStore } from "../adapters/store.ts";

/**
 * How long a listing is trusted without an installation webhook (a lost delivery heals within this), in real
 * time: it is an operational cache, not part of the cycle (the sandbox's clock jumps days at a time).
 */
export const INSTALLATIONS_TTL_MS = 6 * 60 * 60_000;
const KEY = "installations";

export interface InstallationLister<Repository> {
  /** The repositories of every installation: the kept list while fresh, else a new listing. */
  list(): Promise<Repository[]>;
  /** Forgets the kept list (an installation webhook arrived): the next list() asks GitHub. */
  invalidate(): Promise<void>;
}

export function createInstallationLister<Repository>(
  listRepositories: () => Promise<Repository[]>,
  store: KeyValueStore,
  options: { readonly ttlMs?: number; readonly now?: () => number } = {},
): InstallationLister<Repository> {
  const ttlMs = options.ttlMs ?? INSTALLATIONS_TTL_MS;
  const clock = options.now ?? Date.now;
  return {
    async list() {
      const now = clock();
      const kept = await store.get<{ at: number; repos: Repository[] }>(KEY);
      // A clock that went backwards (the sandbox's, a corrected host) does not make a list fresh for ever.
      if (kept && now >= kept.at && now - kept.at < ttlMs) return kept.repos;
      const repos = await listRepositories();
      await store.set(KEY, { at: now, repos });
      return repos;
    },
    invalidate: () => store.delete(KEY),
  };
}
