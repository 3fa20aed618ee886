// One job at a time per repository, at most `maxRunning` jobs at once across repositories; webhooks enqueue and
// return.
import { availableParallelism } from "node:os";

export interface JobQueue {
  /** Runs `job` after every earlier job of `key`; never rejects (errors go to `onError`). */
  enqueue(key: string, job: () => Promise<void>): void;
  /** Resolves when no job is queued or running (tests, the demo, shutdown). */
  idle(): Promise<void>;
  /** When the longest-running job started; null when none runs (readiness: a stuck queue). */
  oldestRunStart(): Date | null;
}

/** Optional instruments: queue depth after every change, and how long each job waited before it started. */
export interface QueueObserver {
  depth?(pending: number): void;
  started?(waitedMs: number): void;
}

/** Runs at once per process unless MERGE_WINDOW_RUNS says otherwise: one per CPU, at least two. */
export const DEFAULT_MAX_RUNS = Math.max(2, availableParallelism());

/** MERGE_WINDOW_RUNS: a positive whole number, else an error naming the variable; the default when unset. */
export function readMaxRuns(env: NodeJS.ProcessEnv): number {
  const text = env.MERGE_WINDOW_RUNS;
  if (text === undefined || text === "") return DEFAULT_MAX_RUNS;
  if (!/^[1-9][0-9]{0,3}$/.test(text))
    throw new Error(`MERGE_WINDOW_RUNS=${JSON.stringify(text)}: expected a positive whole number (runs at once)`);
  return Number(text);
}

export function createJobQueue(
  onError: (key: string, error: unknown) => void,
  observer: QueueObserver = {},
  maxRunning: number = DEFAULT_MAX_RUNS,
): JobQueue {
  const tails = new Map<string, Promise<void>>();
  const running = new Set<Date>();
  // A job holds one slot from start to end; the next repository's job waits for a free one.
  const slots: (() => void)[] = [];
  let busy = 0;
  const acquire = () =>
    busy < maxRunning ? (busy++, Promise.resolve()) : new Promise<void>((resolve) => slots.push(resolve));
  const release = () => {
    const next = slots.shift();
    if (next) next();
    else busy--;
  };
  let pending = 0;
  let waiters: Array<() => void> = [];
  const settle = () => {
    if (pending === 0) {
      const done = waiters;
      waiters = [];
      for (const resolve of done) resolve();
    }
  };
  return {
    enqueue(key, job) {
      pending++;
      observer.depth?.(pending);
      const queuedAt = Date.now();
      let startedAt: Date | null = null;
      const previous = tails.get(key) ?? Promise.resolve();
      const next = previous
        .then(acquire)
        .then(() => {
          startedAt = new Date();
          running.add(startedAt);
          observer.started?.(startedAt.getTime() - queuedAt);
          return job();
        })
        .catch((error: unknown) => onError(key, error))
        .finally(() => {
          if (startedAt) release();
          if (startedAt) running.delete(startedAt);
          pending--;
          observer.depth?.(pending);
          if (tails.get(key) === next) tails.delete(key);
          settle();
        });
      tails.set(key, next);
    },
    idle() {
      return pending === 0 ? Promise.resolve() : new Promise((resolve) => waiters.push(resolve));
    },
    oldestRunStart() {
      let oldest: Date | null = null;
      for (const start of running) if (!oldest || start < oldest) oldest = start;
      return oldest;
    },
  };
}
