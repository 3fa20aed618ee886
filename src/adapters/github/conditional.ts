// Conditional reads: a GET sent with the ETag of the answer we kept (`If-None-Match`); GitHub's 304 costs no
// rate limit and gives back the kept answer. Only what a caller maps out of the answer is kept, never whole pages.
import type { KeyValueStore } from "../store.ts";
import type { Endpoints } from "@octokit/types";
import { statusOf, type GitHubClient, type RouteParams, type RouteResponse } from "./http.ts";

/** What one conditional read gave: the mapped answer, and whether it came back changed (a 200) or as kept (a 304). */
export interface ConditionalAnswer<T> {
  readonly value: T;
  readonly changed: boolean;
}

interface Kept<T> {
  readonly etag: string;
  readonly value: T;
}

/** A conditional GET restricted to the routes in `Routes`. */
export type ConditionalGet<Routes extends keyof Endpoints> = <R extends Routes, T>(
  key: string,
  route: R,
  params: RouteParams<R>,
  map: (data: RouteResponse<R>["data"]) => T,
) => Promise<ConditionalAnswer<T>>;

/**
 * Reads `route` with the ETag kept under `key` in `store`. A 200 is mapped and kept with its new ETag; a 304
 * answers the kept value. Without a store every read is a plain GET (`changed: true`). Errors (a 404) pass through
 * and drop what was kept.
 */
export function createConditionalGet<Routes extends keyof Endpoints>(
  client: GitHubClient,
  timeoutMs: number,
  store?: KeyValueStore,
): ConditionalGet<Routes> {
  const request = client.request as unknown as (
    route: string,
    params: object,
  ) => Promise<{ data: never; headers: Record<string, string | undefined> }>;
  return async <R extends Routes, T>(
    key: string,
    route: R,
    params: RouteParams<R>,
    map: (data: RouteResponse<R>["data"]) => T,
  ): Promise<ConditionalAnswer<T>> => {
    const kept = store ? await store.get<Kept<T>>(key) : undefined;
    const headers = kept ? { "if-none-match": kept.etag } : {};
    let response;
    try {
      response = await request(route, { ...params, headers, request: { signal: AbortSignal.timeout(timeoutMs) } });
    } catch (error) {
      if (kept && statusOf(error) === 304) return { value: kept.value, changed: false };
      if (store && kept) await store.delete(key);
      throw error;
    }
    const value = map(response.data);
    const etag = response.headers.etag;
    if (store && etag) await store.set(key, { etag, value } satisfies Kept<T>);
    return { value, changed: true };
  };
}
