// Fault injection: "it landed but you got a 502", and primary or secondary rate limits on the next request.
export interface FailOptions {
  /** The status to answer with (default 502). */
  readonly status?: number;
  /** When true (default) the request takes effect first, then the client sees the error. */
  readonly afterApplying?: boolean;
  /** How many matching requests fail (default 1). */
  readonly times?: number;
  /** The error body's `message` (default "Server Error"): what a client may log or quote. */
  readonly message?: string;
}

export interface RateLimitOptions {
  /** Seconds from the forge clock's now until `x-ratelimit-reset` (default 60). */
  readonly resetInSeconds?: number;
  /** `secondary` answers like GitHub's abuse limit (403 with `retry-after`) instead of the primary limit. */
  readonly kind?: "primary" | "secondary";
  readonly times?: number;
}

interface Planned<T> {
  readonly method: string | undefined;
  readonly route: string | undefined;
  readonly options: T;
  remaining: number;
}

export interface FaultPlan {
  failNext(method: string, route: string, options?: FailOptions): void;
  rateLimitNext(method?: string, route?: string, options?: RateLimitOptions): void;
  /** Forgets every planned failure not yet consumed. */
  clearFailures(): void;
  /** The failure planned for this request, consumed. */
  takeFailure(method: string, route: string): Required<Omit<FailOptions, "times">> | undefined;
  takeRateLimit(method: string, route: string): RateLimitOptions | undefined;
}

export function createFaultPlan(): FaultPlan {
  const failures: Planned<FailOptions>[] = [];
  const limits: Planned<RateLimitOptions>[] = [];
  const take = <T>(list: Planned<T>[], method: string, route: string): T | undefined => {
    const index = list.findIndex(
      (entry) =>
        (entry.method === undefined || entry.method === method) && (entry.route === undefined || entry.route === route),
    );
    if (index < 0) return undefined;
    const entry = list[index]!;
    entry.remaining -= 1;
    if (entry.remaining <= 0) list.splice(index, 1);
    return entry.options;
  };
  return {
    failNext(method, route, options = {}) {
      failures.push({ method: method.toUpperCase(), route, options, remaining: options.times ?? 1 });
    },
    clearFailures() {
      failures.length = 0;
    },
    rateLimitNext(method, route, options = {}) {
      limits.push({ method: method?.toUpperCase(), route, options, remaining: options.times ?? 1 });
    },
    takeFailure(method, route) {
      const options = take(failures, method, route);
      return (
        options && {
          status: options.status ?? 502,
          afterApplying: options.afterApplying ?? true,
          message: options.message ?? "Server Error",
        }
      );
    },
    takeRateLimit: (method, route) => take(limits, method, route),
  };
}
