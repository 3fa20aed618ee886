// Where runs wait and who runs them: the in-process queue (one instance, the default) behind the interface that
// the Redis queue (redis-work.ts, several instances) implements too.
import type { Trigger } from "../ports.ts";
import { createRunCoalescer } from "./coalesce.ts";
import { createJobQueue, type QueueObserver } from "./queue.ts";
import { MAX_RATE_LIMIT_ATTEMPTS } from "./rate-limit.ts";

export interface RepositoryRef {
  readonly installationId: number;
  readonly owner: string;
  readonly repo: string;
}

/** One run to do: a repository and what prompted it. */
export interface RunRequest {
  readonly ref: RepositoryRef;
  readonly trigger: Trigger;
}

/**
 * A run's attempt: done; dropped (its installation is gone: never retried); or stopped by a rate limit (run again
 * after `waitMs`). A plain failure throws.
 */
export type Attempt =
  | { readonly status: "done" }
  | { readonly status: "dropped" }
  | { readonly status: "rate-limited"; readonly waitMs: number; readonly cause: unknown };

/** Runs one attempt (`attempt` counts from 0). */
export type Perform = (request: RunRequest, attempt: number) => Promise<Attempt>;

export interface WorkBackend {
  /**
   * Queues the runs of one delivery (null: a scheduled job); resolves once they are recorded. False when the
   * delivery was seen before (running or completed); a failed one is forgotten, so a redelivery runs again.
   */
  submit(delivery: string | null, runs: readonly RunRequest[]): Promise<boolean>;
  /** Resolves when nothing this instance queued is waiting or running (tests, the demo). */
  idle(): Promise<void>;
  /** When this instance's longest-running run started (readiness). */
  oldestRunStart(): Date | null;
  /**
   * The installation was removed or suspended (`until` null: until `restoreInstallation`), or answered 401/404
   * (until `until`, ms): its queued and deferred runs are dropped when their turn comes, with no request.
   */
  dropInstallation(installationId: number, until: number | null): Promise<void>;
  /** Installed again, unsuspended or new permissions accepted: its runs run again. */
  restoreInstallation(installationId: number): Promise<void>;
  /** True while runs of `installationId` are dropped. */
  isDropped(installationId: number): Promise<boolean>;
  close(): Promise<void>;
}

export interface MemoryWorkOptions {
  readonly log: (line: string) => void;
  /** Runs `job` after `ms` (a rate-limited run waiting for GitHub's reset). */
  readonly defer: (ms: number, job: () => void) => void;
  readonly observer?: QueueObserver;
  readonly maxRuns?: number;
}

/** Deliveries remembered as completed (the oldest forgotten first). */
const REMEMBERED_DELIVERIES = 10_000;

/** One process: a queue per repository in memory, deliveries remembered in memory. */
export function createMemoryWork(perform: Perform, options: MemoryWorkOptions): WorkBackend {
  const { log } = options;
  const queue = createJobQueue(
    (key, error) =>
      log(`${key}: run failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`),
    options.observer,
    options.maxRuns,
  );
  // A delivery is remembered as processed only once its runs completed; one in flight is not run twice.
  const deliveries = new Set<string>();
  const inFlight = new Set<string>();
  const waiting = createRunCoalescer();
  const dropped = createDroppedInstallations();

  /** Queues one run; a rate-limited one is queued again after the wait, at most MAX_RATE_LIMIT_ATTEMPTS times. */
  const enqueue = (queued: RunRequest, queuedSettled: (ok: boolean) => void, attempt = 0): void => {
    const key = `${queued.ref.owner}/${queued.ref.repo}`;
    // A run that would do the same work as one still waiting joins it (a retry keeps its own place).
    const coalesced = attempt === 0 ? waiting.keyOf(key, queued.trigger) : null;
    if (coalesced !== null && waiting.join(coalesced, queued.trigger, queuedSettled)) return;
    if (coalesced !== null) waiting.wait(coalesced, queued.trigger, queuedSettled);
    let request = queued;
    let settled = queuedSettled;
    queue.enqueue(key, async () => {
      if (coalesced !== null) {
        const taken = waiting.take(coalesced);
        request = { ref: queued.ref, trigger: taken.trigger };
        settled = taken.settled;
      }
      if (dropped.has(request.ref.installationId)) {
        log(`${key}: installation ${request.ref.installationId} is gone; its ${request.trigger.kind} run is dropped`);
        return settled(true);
      }
      let result: Attempt;
      try {
        result = await perform(request, attempt);
      } catch (error) {
        settled(false);
        throw error;
      }
      if (result.status !== "rate-limited") return settled(true);
      if (attempt + 1 >= MAX_RATE_LIMIT_ATTEMPTS) {
        log(
          `${key}: rate limited ${attempt + 1} times; giving up on this ${request.trigger.kind} run` +
            " (the next tick retries)",
        );
        return settled(false);
      }
      log(`${key}: rate limited; running the ${request.trigger.kind} again in ${Math.ceil(result.waitMs / 1000)} s`);
      options.defer(result.waitMs, () => enqueue(request, settled, attempt + 1));
    });
  };

  return {
    async submit(delivery, runs) {
      // GitHub redelivers; a copy of a completed (or running) delivery changes nothing. A failed one runs again.
      if (delivery !== null && (deliveries.has(delivery) || inFlight.has(delivery))) return false;
      let open = runs.length;
      let allOk = true;
      if (delivery !== null && open > 0) inFlight.add(delivery);
      const settled = (ok: boolean) => {
        allOk &&= ok;
        if (--open > 0 || delivery === null) return;
        inFlight.delete(delivery);
        if (!allOk) return;
        deliveries.add(delivery);
        if (deliveries.size > REMEMBERED_DELIVERIES) deliveries.delete(deliveries.values().next().value!);
      };
      for (const request of runs) enqueue(request, settled);
      return true;
    },
    idle: () => queue.idle(),
    oldestRunStart: () => queue.oldestRunStart(),
    dropInstallation: async (installationId, until) => dropped.drop(installationId, until),
    restoreInstallation: async (installationId) => dropped.restore(installationId),
    isDropped: async (installationId) => dropped.has(installationId),
    // One process: what it queued is not held anywhere else, so stopping waits for it (bounded by the caller).
    close: () => queue.idle(),
  };
}

/** This process's installations whose runs are dropped: for good (removed, suspended) or until a moment (ms). */
function createDroppedInstallations(now: () => number = Date.now) {
  const until = new Map<number, number>();
  return {
    drop: (id: number, at: number | null) => void until.set(id, at ?? Infinity),
    restore: (id: number) => void until.delete(id),
    has: (id: number) => (until.get(id) ?? -Infinity) > now(),
  };
}
