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
    why:
      "Linus tags releases and rcs on Sunday afternoons (US time), with no webhook to us: fetch upstream's tags " +
      "once per upstream URL, and run every repository that follows it when one appeared.",
  },
  {
    name: "reconcile",
    cron: "17 * * * *",
    why:
      "Hourly: reminders whose moment came, the tag sweep (GitHub sends no event when more than three tags are " +
      "pushed at once), merges upstream, automatic steps.",
  },
  {
    name: "weekly-tests",
    cron: "45 5 * * *",
    why:
      "Daily: the machine dispatches the test workflow once per ISO week, on the configured weekday or the " +
      "first run after it.",
  },
];

export const SCHEDULE_TIME_ZONE = "UTC";

export interface Scheduler {
  stop(): Promise<void>;
}

export interface SchedulerOptions {
  /** Run every job once at start (default true): a restart or a missed slot loses nothing. */
  readonly catchUp?: boolean;
  readonly onError?: (job: JobName, error: unknown) => void;
  /** A slot that came while the same job was still running: skipped, not queued behind it. */
  readonly onSkip?: (job: JobName) => void;
  /** The table to schedule; JOBS unless a test brings its own. */
  readonly jobs?: readonly ScheduledJob[];
}

/**
 * Starts one node-cron task per job. A job never overlaps itself: a slot (or the catch-up run) that finds
 * the job still running is skipped. On start every job runs once, in table order, to catch up from state
 * (reminders are derived, not timed, so a restart or a missed slot loses nothing).
 */
export function startScheduler(runJob: (job: JobName) => Promise<void>, options: SchedulerOptions = {}): Scheduler {
  const jobs = options.jobs ?? JOBS;
  const running = new Set<JobName>();
  const guarded = (job: JobName) => async () => {
    // One guard for cron slots and the catch-up alike (node-cron's noOverlap knows only its own slots).
    if (running.has(job)) return options.onSkip?.(job);
    running.add(job);
    try {
      await runJob(job);
    } catch (error) {
      options.onError?.(job, error);
    } finally {
      running.delete(job);
    }
  };
  const tasks: ScheduledTask[] = jobs.map((job) =>
    cron.schedule(job.cron, guarded(job.name), { timezone: SCHEDULE_TIME_ZONE, name: job.name }),
  );
  if (options.catchUp ?? true) {
    void (async () => {
      for (const job of jobs) await guarded(job.name)();
    })();
  }
  return {
    async stop() {
      for (const task of tasks) await task.destroy();
    },
  };
}
