// The one table of scheduled jobs (UTC), and the scheduler that turns each slot into run()s for every repository.
import cron, { type RunCoordinator, type ScheduledTask, type SkipReason } from "node-cron";

export type JobName = "poll-upstream" | "reconcile" | "weekly-tests" | "cleanup-backups";

export interface ScheduledJob {
  readonly name: JobName;
  /** node-cron expression, evaluated in UTC. */
  readonly cron: string;
  readonly why: string;
  /**
   * How long a slot's claim lives in Redis with several instances (node-cron's distributedLease): longer than
   * any clock skew plus the latest start, and as long as the job's period, so that a catch-up at start knows
   * whether the last slot ran. Default DEFAULT_SLOT_LEASE_MS.
   */
  readonly leaseMs?: number;
}

export const DEFAULT_SLOT_LEASE_MS = 9 * 60_000;

/** Every job merge-window runs on its own. All of them call the same run(); none decides anything itself. */
export const JOBS: readonly ScheduledJob[] = [
  {
    name: "poll-upstream",
    cron: "*/10 * * * *",
    why:
      "Linus tags releases and rcs on Sunday afternoons (US time), with no webhook to us: fetch upstream's tags " +
      "once per upstream URL, and run every repository that follows it when one appeared.",
    leaseMs: 10 * 60_000,
  },
  {
    name: "reconcile",
    cron: "17 * * * *",
    why:
      "Hourly: reminders whose moment came, the tag sweep (GitHub sends no event when more than three tags are " +
      "pushed at once), merges upstream, automatic steps.",
    leaseMs: 60 * 60_000,
  },
  {
    name: "weekly-tests",
    cron: "45 5 * * *",
    why:
      "Daily: the machine dispatches the test workflow once per ISO week, on the configured weekday or the " +
      "first run after it.",
    leaseMs: 24 * 60 * 60_000,
  },
  {
    name: "cleanup-backups",
    cron: "30 4 * * *",
    why:
      "Daily: the backup refs of past rebases, judged by each repository's backups policy (dry-run unless it " +
      "says delete); what was deleted, or would be, is logged.",
    leaseMs: 24 * 60 * 60_000,
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
  /**
   * Several instances: node-cron's distributed mode with this coordinator, so each slot runs on one instance;
   * the catch-up at start claims the job's latest slot the same way (run only if no instance ran it).
   */
  readonly coordinator?: RunCoordinator;
  /** A slot node-cron skipped: another instance ran it (`not-elected`) or Redis failed (`coordinator-error`). */
  readonly onSlotSkipped?: (job: JobName, slot: Date, reason: SkipReason, error?: Error) => void;
  /** Which slot each run is for (a catch-up names the latest slot before start), for the log. */
  readonly onRun?: (job: JobName, slot: Date, catchUp: boolean) => void;
}

/** The latest slot of `expression` at or before `now`, looking back at most `withinMs`; null if none. */
export function latestSlot(expression: string, now: Date, withinMs: number): Date | null {
  const task = cron.createTask(expression, () => {}, { timezone: SCHEDULE_TIME_ZONE });
  try {
    const minute = Math.floor(now.getTime() / 60_000) * 60_000;
    for (let at = minute; at >= now.getTime() - withinMs; at -= 60_000)
      if (task.match(new Date(at))) return new Date(at);
    return null;
  } finally {
    void task.destroy();
  }
}

/**
 * Starts one node-cron task per job. A job never overlaps itself: a slot (or the catch-up run) that finds
 * the job still running is skipped. On start every job runs once, in table order, to catch up from state
 * (reminders are derived, not timed, so a restart or a missed slot loses nothing).
 */
export function startScheduler(runJob: (job: JobName) => Promise<void>, options: SchedulerOptions = {}): Scheduler {
  const jobs = options.jobs ?? JOBS;
  const running = new Set<JobName>();
  const guarded = (job: JobName, catchUp: boolean) => async (slot: Date) => {
    // One guard for cron slots and the catch-up alike (node-cron's noOverlap knows only its own slots).
    if (running.has(job)) return options.onSkip?.(job);
    running.add(job);
    try {
      options.onRun?.(job, slot, catchUp);
      await runJob(job);
    } catch (error) {
      options.onError?.(job, error);
    } finally {
      running.delete(job);
    }
  };
  const { coordinator } = options;
  const tasks: ScheduledTask[] = jobs.map((job) => {
    const task = cron.schedule(job.cron, (context) => guarded(job.name, false)(context.date), {
      timezone: SCHEDULE_TIME_ZONE,
      name: job.name,
      ...(coordinator
        ? { distributed: true, runCoordinator: coordinator, distributedLease: job.leaseMs ?? DEFAULT_SLOT_LEASE_MS }
        : {}),
    });
    task.on("execution:skipped", (context) =>
      options.onSlotSkipped?.(job.name, context.date, context.reason ?? "coordinator-error", context.error),
    );
    return task;
  });
  // The latest slot's claim, as node-cron makes it: the catch-up runs only when no instance ran that slot.
  const claimLatest = async (job: ScheduledJob): Promise<Date | null> => {
    const lease = job.leaseMs ?? DEFAULT_SLOT_LEASE_MS;
    const slot = latestSlot(job.cron, new Date(), lease) ?? new Date(Math.floor(Date.now() / 60_000) * 60_000);
    if (!coordinator) return slot;
    try {
      if (await coordinator.shouldRun(`${job.name}:${slot.toISOString()}`, lease)) return slot;
      options.onSlotSkipped?.(job.name, slot, "not-elected");
    } catch (error) {
      options.onSlotSkipped?.(job.name, slot, "coordinator-error", error instanceof Error ? error : undefined);
    }
    return null;
  };
  if (options.catchUp ?? true) {
    void (async () => {
      for (const job of jobs) {
        const slot = await claimLatest(job);
        if (slot) await guarded(job.name, true)(slot);
      }
    })();
  }
  return {
    async stop() {
      for (const task of tasks) await task.destroy();
    },
  };
}
