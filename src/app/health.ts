// /healthz (alive), /readyz (credentials verified, upstream fresh, queue moving, Redis answering) and /metrics,
// as Probot handlers.
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Metrics } from "./metrics.ts";

/** An upstream poll older than this (three missed 10-minute slots) makes the server not ready. */
export const UPSTREAM_STALE_MS = 35 * 60_000;
/** A run going longer than this (git timeouts included) means the queue is stuck. */
export const QUEUE_STUCK_MS = 30 * 60_000;

export type CredentialState =
  | { readonly status: "unverified" }
  | { readonly status: "verified"; readonly slug: string }
  | { readonly status: "refused"; readonly reason: string };

/** What readiness is judged from; the server updates it as things happen. */
export interface HealthState {
  credentials: CredentialState;
  /** When the last upstream poll succeeded (null: none yet). */
  lastUpstreamPoll: Date | null;
  /** When the run that has been running longest started (null: nothing running). */
  oldestRunStart: () => Date | null;
  /** With several instances: why the shared Redis is not usable, or null when it answers. */
  redis?: () => string | null;
  /** Set on SIGTERM: the instance drains its runs and stops. */
  draining?: boolean;
}

export function createHealthState(oldestRunStart: () => Date | null = () => null): HealthState {
  return { credentials: { status: "unverified" }, lastUpstreamPoll: null, oldestRunStart };
}

/** Every reason the server is not ready, in plain words; empty when ready. */
export function findNotReadyReasons(state: HealthState, now: Date): string[] {
  const reasons: string[] = [];
  if (state.draining) reasons.push("shutting down (SIGTERM): finishing running runs");
  const { credentials } = state;
  if (credentials.status === "unverified") reasons.push("credentials not verified yet (GET /app pending)");
  if (credentials.status === "refused") reasons.push(`credentials refused: ${credentials.reason}`);
  if (state.lastUpstreamPoll === null) reasons.push("upstream not polled yet");
  else if (now.getTime() - state.lastUpstreamPoll.getTime() > UPSTREAM_STALE_MS)
    reasons.push(`upstream mirror stale: last successful poll ${state.lastUpstreamPoll.toISOString()}`);
  const redis = state.redis?.();
  if (redis) reasons.push(redis);
  const oldest = state.oldestRunStart();
  if (oldest && now.getTime() - oldest.getTime() > QUEUE_STUCK_MS)
    reasons.push(`queue stuck: a run has been going since ${oldest.toISOString()}`);
  return reasons;
}

/** A Probot handler (`addHandler`) answering the three paths; false for anything else. */
export function createHealthHandler(state: HealthState, metrics: Metrics, now: () => Date = () => new Date()) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<boolean> => {
    if (req.method !== "GET" && req.method !== "HEAD") return false;
    const path = (req.url ?? "").split("?")[0];
    if (path === "/healthz") {
      res.writeHead(200, { "content-type": "text/plain; charset=utf-8" }).end("ok\n");
      return true;
    }
    if (path === "/readyz") {
      const reasons = findNotReadyReasons(state, now());
      const text = reasons.length === 0 ? "ready\n" : `not ready:\n${reasons.map((r) => `- ${r}\n`).join("")}`;
      res.writeHead(reasons.length === 0 ? 200 : 503, { "content-type": "text/plain; charset=utf-8" }).end(text);
      return true;
    }
    if (path === "/metrics") {
      const body = await metrics.registry.metrics();
      res.writeHead(200, { "content-type": metrics.registry.contentType }).end(body);
      return true;
    }
    return false;
  };
}
