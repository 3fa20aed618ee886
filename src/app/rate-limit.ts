// How long GitHub asks to wait after a rate limit: the primary limit until `x-ratelimit-reset`, the secondary one
// `retry-after` (else 60 s, doubling per attempt). Bounded; null when the error is not a rate limit.

/** Longest wait honoured: the primary limit resets within the hour. */
export const MAX_RATE_LIMIT_WAIT_MS = 65 * 60_000;
/** Deferred runs of one piece of work before giving up (and saying so in the log). */
export const MAX_RATE_LIMIT_ATTEMPTS = 5;

interface HttpLike {
  readonly status?: unknown;
  readonly message?: string;
  readonly response?: { readonly headers?: Record<string, unknown>; readonly data?: { readonly message?: string } };
  readonly cause?: unknown;
}

/** Milliseconds to wait before attempt `attempt + 1` (attempt counts from 0), or null when `error` is no rate limit. */
export function rateLimitWait(error: unknown, now: Date, attempt: number): number | null {
  for (let e = error as HttpLike | null | undefined, depth = 0; e && depth < 5; e = e.cause as HttpLike, depth++) {
    // A wrapper (GitHubWriteError) names the status; the request error it wraps carries GitHub's headers.
    if ((e.status !== 403 && e.status !== 429) || (e.response === undefined && e.cause)) continue;
    const headers = e.response?.headers ?? {};
    const text = `${e.response?.data?.message ?? ""} ${e.message ?? ""}`;
    const retryAfter = Number(headers["retry-after"]);
    if (Number.isFinite(retryAfter) && retryAfter >= 0) return bound(retryAfter * 1000);
    if (/secondary rate limit/i.test(text)) return bound(60_000 * 2 ** attempt);
    if (String(headers["x-ratelimit-remaining"]) === "0") {
      const reset = Number(headers["x-ratelimit-reset"]) * 1000;
      return bound(Number.isFinite(reset) ? reset - now.getTime() + 1000 : 60_000 * 2 ** attempt);
    }
    if (e.status === 429) return bound(60_000 * 2 ** attempt);
  }
  return null;
}

function bound(ms: number): number {
  return Math.min(Math.max(ms, 1000), MAX_RATE_LIMIT_WAIT_MS);
}
