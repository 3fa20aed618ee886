// The one table of scheduled jobs (UTC), and the scheduler that turns each slot into run()s for every repository.
import cron, { type ScheduledTask } from "node-cron";

export type JobName = "poll-upstream" | "reconcile" | "weekly-tests";

export interface ScheduledJob {
  readonly name: JobName;
  /** node-cron expression, evaluated in UTC. */
  readonly cron: string;
  readonly why: string;
}

/** Every job merge-window runs on its own. All of them call the same run(); none decides anything itself. */
export const JOBS: readonly ScheduledJob[] = [
  {
    name: "poll-upstream",
    cron: "*/10 * * * *",
    why: "Linus tags releases and rcs on Sunday afternoons (US time), with no webhook to us: fetch upstream's tags once per upstream URL, and run every repository that follows it when one appeared.",
  },
  {
    name: "reconcile",
    cron: "17 * * * *",
    why: "Hourly: reminders whose moment came, the tag sweep (GitHub sends no event when more than three tags are pushed at once), merges upstream, automatic steps.",
  },
  {
    name: "weekly-tests",
    cron: "45 5 * * *",
    why: "Daily: the machine dispatches the test workflow once per ISO week, on the configured weekday or the first run after it.",
  },
];

export const SCHEDULE_TIME_ZONE = "UTC";

export interface Scheduler {
  stop(): Promise<void>;
}

/**
 * Starts one node-cron task per job. Slots never overlap a still-running one; on start every job runs
 * once to catch up from state (a restart or a missed slot loses nothing: reminders are derived, not timed).
 */
export function startScheduler(
  runJob: (job: JobName) => Promise<void>,
  options: { catchUp?: boolean; onError?: (job: JobName, error: unknown) => void } = {},
): Scheduler {
  const guarded = (job: JobName) => async () => {
    try {
      await runJob(job);
    } catch (error) {
      options.onError?.(job, error);
    }
  };
  const tasks: ScheduledTask[] = JOBS.map((job) =>
    cron.schedule(job.cron, guarded(job.name), { timezone: SCHEDULE_TIME_ZONE, name: job.name, noOverlap: true }),
  );
  if (options.catchUp ?? true) {
    void (async () => {
      for (const job of JOBS) await guarded(job.name)();
    })();
  }
  return {
    async stop() {
      for (const task of tasks) await task.stop();
    },
  };
}
