// How the GitHub adapter talks HTTP: the narrow client type, typed route calls and listings, and the
// "re-read before one retry" rule for writes GitHub does not make idempotent.
import type { Octokit } from "@octokit/rest";
import type { Endpoints, RequestRequestOptions } from "@octokit/types";

/**
 * The two Octokit methods the adapter needs. An `@octokit/rest` Octokit and Probot's `context.octokit`
 * both fit; tests pass a plain Octokit (no retry or throttle plugin).
 */
export type GitHubClient = Pick<Octokit, "request" | "paginate">;

/** A route's parameters plus Octokit's per-request options (`request.retries` is read by plugin-retry). */
export type RouteParams<R extends keyof Endpoints> = Endpoints[R]["parameters"] & { request?: RequestRequestOptions };
export type RouteResponse<R extends keyof Endpoints> = Endpoints[R]["response"];

/** A request function restricted to the routes in `Routes`: calling anything else fails `tsc`. */
export type RouteCaller<Routes extends keyof Endpoints> = <R extends Routes>(
  route: R,
  params: RouteParams<R>,
) => Promise<RouteResponse<R>>;

/** Wraps `client.request`, adding `request` options (a timeout signal) to every call. */
export function createRouteCaller<Routes extends keyof Endpoints>(
  client: GitHubClient,
  timeoutMs: number,
): RouteCaller<Routes> {
  const request = client.request as unknown as (route: string, params: object) => Promise<never>;
  return (route, params) =>
    request(route, { ...params, request: { signal: AbortSignal.timeout(timeoutMs), ...params.request } });
}

/**
 * Per-request options for a write that must not be repeated by Octokit itself: Probot's Octokit carries
 * plugin-retry, which would resend a POST after a 5xx whether or not the first one landed.
 */
export const NO_RETRY: RequestRequestOptions = { retries: 0 };

/** The HTTP status of an Octokit RequestError; undefined for anything else. */
export function statusOf(error: unknown): number | undefined {
  const status = (error as { status?: unknown } | null)?.status;
  return typeof status === "number" ? status : undefined;
}

/** GitHub's own message of a failed request (`Reference already exists`), or the error's message. */
export function messageOf(error: unknown): string {
  const data = (error as { response?: { data?: { message?: unknown } } } | null)?.response?.data;
  if (typeof data?.message === "string") return data.message;
  return error instanceof Error ? error.message : String(error);
}

/**
 * True when a request's failure leaves a write's fate unknown: no answer (network error, timeout — Octokit
 * reports both as status 500), a 5xx, 408 or 429. Any other 4xx is GitHub refusing it: it did not land.
 * Errors without a status are not request failures (an InputError, a bug) and are never ambiguous.
 */
export function isAmbiguousFailure(error: unknown): boolean {
  const status = statusOf(error);
  return status !== undefined && (status >= 500 || status === 408 || status === 429);
}

/** A write that failed for good; `status` is the HTTP status of the last attempt (500: no answer). */
export class GitHubWriteError extends Error {
  override readonly name = "GitHubWriteError";
  constructor(
    message: string,
    readonly status: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/**
 * Runs a non-idempotent write at most twice. After an ambiguous failure it calls `find` (a fresh read)
 * and returns what it finds; only when the first attempt did not land does it `post` once more. A
 * failing re-read is not a licence to post: that error surfaces instead.
 */
export async function writeAtMostTwice<T>(
  what: string,
  post: () => Promise<T>,
  find: () => Promise<T | undefined>,
): Promise<T> {
  try {
    return await post();
  } catch (first) {
    if (!isAmbiguousFailure(first)) throw failure(what, first);
    let landed: T | undefined;
    try {
      landed = await find();
    } catch (reread) {
      throw failure(`${what} (then re-reading whether it landed)`, reread);
    }
    if (landed !== undefined) return landed;
    try {
      return await post();
    } catch (second) {
      throw failure(`${what} (retried once after a re-read)`, second);
    }
  }
}

/** Names the write in a request failure; other errors (InputError, bugs) pass through unchanged. */
function failure(what: string, error: unknown): unknown {
  const status = statusOf(error);
  if (status === undefined) return error;
  return new GitHubWriteError(`${what} failed with HTTP ${status}: ${messageOf(error)}`, status, { cause: error });
}

/** Most pages followed in one listing (10,000 items at 100 a page): a bound, not a limit anyone meets. */
const MAX_PAGES = 100;

/** The items of a listing route: its response data when that is an array. */
export type RouteItems<R extends keyof Endpoints> = Extract<RouteResponse<R>["data"], readonly unknown[]>;

/** A listing function restricted to the routes in `Routes`: every page, 100 items a page. */
export type RouteLister<Routes extends keyof Endpoints> = <R extends Routes>(
  route: R,
  params: Omit<RouteParams<R>, "page" | "per_page">,
) => Promise<RouteItems<R>>;

/**
 * Wraps `client.paginate` (which follows GitHub's `Link: rel="next"`): at most MAX_PAGES pages, and the
 * listing as a whole bounded by four request timeouts (one signal serves every page).
 */
export function createRouteLister<Routes extends keyof Endpoints>(
  client: GitHubClient,
  timeoutMs: number,
): RouteLister<Routes> {
  type Page = { data: unknown[] };
  const paginate = client.paginate as unknown as (
    route: string,
    params: object,
    map: (response: Page) => unknown[],
  ) => Promise<never>;
  return (route, params) => {
    let pages = 0;
    const request = { signal: AbortSignal.timeout(4 * timeoutMs), ...(params as RouteParams<Routes>).request };
    return paginate(route, { ...params, per_page: 100, page: 1, request }, (response) => {
      if (++pages > MAX_PAGES)
        throw new Error(`${route}: listing stopped after ${MAX_PAGES} pages of 100, more than merge-window reads`);
      return response.data;
    });
  };
}
