// Installation tokens shared through Redis (REDIS_URL): GitHub's ETags belong to the token that read them, so
// instances share conditional reads (304s) only if they share the token; and they create one token, not N.
import type { Redis } from "ioredis";
import { ProbotOctokit } from "probot";

/** @octokit/auth-app's cache: its value is `token|createdAt|expiresAt|…`. */
export interface TokenCache {
  get(key: string): Promise<string | undefined>;
  set(key: string, value: string): Promise<void>;
}

/** A token is dropped this long before it expires (a run started on it still has time to finish). */
export const TOKEN_MARGIN_MS = 10 * 60_000;

/**
 * Keys `<namespace>:<auth-app's key>`, kept until `TOKEN_MARGIN_MS` before the token expires, and in this process
 * too: a token this instance just created or read is found again without Redis (auth-app's own installation lookup
 * must hit the cache: on a miss it asks github.com, not GHE_HOST). Redis not answering is a miss there only.
 */
export function createRedisTokenCache(redis: Redis, namespace: string): TokenCache {
  const local = new Map<string, { value: string; until: number }>();
  const keep = (key: string, value: string) => {
    const expiresAt = Date.parse(value.split("|")[2] ?? "");
    const until = (Number.isNaN(expiresAt) ? Date.now() + 3600_000 : expiresAt) - TOKEN_MARGIN_MS;
    if (until > Date.now()) local.set(key, { value, until });
    for (const [k, kept] of local) if (kept.until <= Date.now()) local.delete(k);
    return until - Date.now();
  };
  return {
    async get(key) {
      const kept = local.get(key);
      if (kept && kept.until > Date.now()) return kept.value;
      const value = await redis.get(`${namespace}:${key}`).catch(() => null);
      if (value === null) return undefined;
      keep(key, value);
      return value;
    },
    async set(key, value) {
      const ttl = keep(key, value);
      if (ttl > 0) await redis.set(`${namespace}:${key}`, value, "PX", ttl).catch(() => {});
    },
  };
}

/**
 * `createProbot`'s overrides: its Octokit with auth-app's token cache in `cache` (when given), and auth-app's own
 * requests sent to the Octokit's `baseUrl`. Probot hands auth-app a request without it, so on GHE_HOST (and the
 * sandbox forge) an installation token asked for directly (`octokit.auth({ type: "installation" })`, before any
 * request of that installation cached one) went to api.github.com and the run failed.
 */
export function appOctokitOverrides(cache: TokenCache | null): { Octokit: typeof ProbotOctokit } {
  return { Octokit: ProbotOctokit.defaults((options: object) => withAuthDefaults(options, cache)) };
}

interface AuthRequest {
  defaults(options: { baseUrl: string }): AuthRequest;
}

/** Options of Probot's Octokit with auth-app's cache and request set (installation clients inherit both). */
export function withAuthDefaults<T extends { auth?: unknown; baseUrl?: string }>(
  options: T,
  cache: TokenCache | null,
): T {
  const auth = options.auth as { cache?: unknown; request?: AuthRequest } | undefined;
  if (!auth || typeof auth !== "object" || !("cache" in auth)) return options;
  const request =
    auth.request && options.baseUrl ? { request: auth.request.defaults({ baseUrl: options.baseUrl }) } : {};
  return { ...options, auth: { ...auth, ...request, ...(cache ? { cache } : {}) } };
}
