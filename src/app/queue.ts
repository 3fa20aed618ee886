// One job at a time per repository, any number of repositories in parallel; webhooks enqueue and return.

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

export function createJobQueue(onError: (key: string, error: unknown) => void, observer: QueueObserver = {}): JobQueue {
  const tails = new Map<string, Promise<void>>();
  const running = new Set<Date>();
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
        .then(() => {
          startedAt = new Date();
          running.add(startedAt);
          observer.started?.(startedAt.getTime() - queuedAt);
          return job();
        })
        .catch((error: unknown) => onError(key, error))
        .finally(() => {
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
