// Prometheus metrics (prom-client) of one server process: runs, the queue, git and GitHub calls, upstream polls.
import { Counter, Gauge, Histogram, Registry } from "prom-client";

const SECONDS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300];

export interface Metrics {
  readonly registry: Registry;
  readonly runs: Counter<"trigger" | "outcome">;
  readonly runFailures: Counter<"trigger">;
  readonly queueDepth: Gauge;
  readonly queueWait: Histogram;
  readonly gitDuration: Histogram<"command" | "outcome">;
  readonly githubDuration: Histogram<"route" | "status">;
  readonly githubRequests: Counter<"route" | "status">;
  readonly rateLimitRemaining: Gauge;
  readonly lastUpstreamPoll: Gauge;
  readonly lockTakeovers: Counter;
  readonly slotsSkipped: Counter<"job" | "reason">;
}

/** A fresh registry with every metric merge-window exports (one per server; tests build their own). */
export function createMetrics(): Metrics {
  const registry = new Registry();
  const registers = [registry];
  return {
    registry,
    runs: new Counter({
      name: "merge_window_runs_total",
      help: "Runs of the pipeline by trigger kind and outcome (done, ignored, failed).",
      labelNames: ["trigger", "outcome"],
      registers,
    }),
    runFailures: new Counter({
      name: "merge_window_run_failures_total",
      help: "Runs that threw, by trigger kind.",
      labelNames: ["trigger"],
      registers,
    }),
    queueDepth: new Gauge({
      name: "merge_window_queue_depth",
      help: "Runs queued or running, all repositories together (with Redis: the shared queue, all instances).",
      registers,
    }),
    queueWait: new Histogram({
      name: "merge_window_queue_wait_seconds",
      help: "Time a run waited in its repository's queue before starting.",
      buckets: SECONDS,
      registers,
    }),
    gitDuration: new Histogram({
      name: "merge_window_git_duration_seconds",
      help: "Duration of git processes by subcommand.",
      labelNames: ["command", "outcome"],
      buckets: SECONDS,
      registers,
    }),
    githubDuration: new Histogram({
      name: "merge_window_github_request_duration_seconds",
      help: "Duration of GitHub REST requests by route template and status.",
      labelNames: ["route", "status"],
      buckets: SECONDS,
      registers,
    }),
    githubRequests: new Counter({
      name: "merge_window_github_requests_total",
      help: "GitHub REST requests by route template and status.",
      labelNames: ["route", "status"],
      registers,
    }),
    rateLimitRemaining: new Gauge({
      name: "merge_window_github_rate_limit_remaining",
      help: "x-ratelimit-remaining of the latest GitHub response.",
      registers,
    }),
    lastUpstreamPoll: new Gauge({
      name: "merge_window_last_upstream_poll_timestamp_seconds",
      help: "Unix time of the last upstream poll that succeeded (0: none yet).",
      registers,
    }),
    lockTakeovers: new Counter({
      name: "merge_window_lock_takeovers_total",
      help: "Runs whose instance stopped renewing their lock (it died), put back by this instance (Redis only).",
      registers,
    }),
    slotsSkipped: new Counter({
      name: "merge_window_schedule_slots_skipped_total",
      help: "Schedule slots not run here: not-elected (another instance ran it) or coordinator-error (Redis down).",
      labelNames: ["job", "reason"],
      registers,
    }),
  };
}

interface HookedRequest {
  readonly method?: string;
  readonly url?: string;
}
interface HookedResponse {
  readonly status?: number;
  readonly headers?: Record<string, string | number | undefined>;
}
/** The part of an Octokit instance the metrics hook needs. */
export interface HookableOctokit {
  readonly hook: {
    wrap(
      name: "request",
      wrapper: (request: (options: HookedRequest) => Promise<HookedResponse>, options: HookedRequest) => unknown,
    ): void;
  };
}

/** `GET /repos/{owner}/{repo}/issues/{issue_number}`: the route template, never the names in it. */
export function routeOf(options: HookedRequest & { readonly request?: unknown }): string {
  const method = (options.method ?? "GET").toUpperCase();
  const template = (options as { readonly endpointTemplate?: string }).endpointTemplate ?? options.url ?? "";
  return `${method} ${template.replace(/^https?:\/\/[^/]+(\/api\/v3)?/, "").split("?")[0]}`;
}

const instrumented = new WeakSet<HookableOctokit>();

/** Counts and times every request of `octokit` (once, however often asked), and keeps the rate-limit remaining. */
export function instrumentOctokit(octokit: HookableOctokit, metrics: Metrics): void {
  if (instrumented.has(octokit)) return;
  instrumented.add(octokit);
  octokit.hook.wrap("request", async (request, options) => {
    const route = routeOf(options);
    const end = metrics.githubDuration.startTimer({ route });
    const record = (status: number, headers: HookedResponse["headers"]) => {
      end({ status: String(status) });
      metrics.githubRequests.inc({ route, status: String(status) });
      const remaining = Number(headers?.["x-ratelimit-remaining"]);
      if (headers?.["x-ratelimit-remaining"] !== undefined && Number.isFinite(remaining))
        metrics.rateLimitRemaining.set(remaining);
    };
    try {
      const response = await request(options);
      record(response.status ?? 0, response.headers);
      return response;
    } catch (error) {
      const failed = error as { status?: number; response?: HookedResponse };
      record(failed.status ?? 0, failed.response?.headers);
      throw error;
    }
  });
}
