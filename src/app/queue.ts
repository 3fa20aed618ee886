// One job at a time per repository, any number of repositories in parallel; webhooks enqueue and return.

export interface JobQueue {
  /** Runs `job` after every earlier job of `key`; never rejects (errors go to `onError`). */
  enqueue(key: string, job: () => Promise<void>): void;
  /** Resolves when no job is queued or running (tests, the demo, shutdown). */
  idle(): Promise<void>;
}

export function createJobQueue(onError: (key: string, error: unknown) => void): JobQueue {
  const tails = new Map<string, Promise<void>>();
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
      const previous = tails.get(key) ?? Promise.resolve();
      const next = previous
        .then(job)
        .catch((error: unknown) => onError(key, error))
        .finally(() => {
          pending--;
          if (tails.get(key) === next) tails.delete(key);
          settle();
        });
      tails.set(key, next);
    },
    idle() {
      return pending === 0 ? Promise.resolve() : new Promise((resolve) => waiters.push(resolve));
    },
  };
}
