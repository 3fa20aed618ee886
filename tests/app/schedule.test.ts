// The schedule: the table promises how soon each kind of change is seen; the scheduler catches up at start and
// never runs a job over itself (real node-cron tasks, counted, never timed).
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import cron from "node-cron";
import { JOBS, SCHEDULE_TIME_ZONE, startScheduler, type JobName, type ScheduledJob } from "../../src/app/schedule.ts";

/** The minutes of one UTC day at which node-cron fires `job` (its own matcher, not a re-parse of ours). */
function firingMinutes(job: ScheduledJob, day: string): number[] {
  const task = cron.createTask(job.cron, () => {}, { timezone: SCHEDULE_TIME_ZONE });
  const start = Date.parse(`${day}T00:00:00Z`);
  const minutes: number[] = [];
  for (let minute = 0; minute < 24 * 60; minute++)
    if (task.match(new Date(start + minute * 60_000))) minutes.push(minute);
  void task.destroy();
  return minutes;
}

const jobNamed = (name: JobName) => JOBS.find((job) => job.name === name)!;
/** v6.8 was tagged on Sunday 2024-03-10 (22:51 UTC): a day that must look like every other to the schedule. */
const RELEASE_DAY = "2024-03-10";

/** Resolves once `count()` reaches `want`; fails after `limitMs` (a bound on the wait, not a timing assertion). */
async function until(what: string, count: () => number, want: number, limitMs = 20_000): Promise<void> {
  const deadline = Date.now() + limitMs;
  while (count() < want) {
    if (Date.now() > deadline) assert.fail(`${what}: ${count()} of ${want} after ${limitMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe("the schedule table", () => {
  it("has unique names, node-cron expressions, and runs in UTC", () => {
    assert.deepEqual(JOBS.map((job) => job.name).sort(), [
      "cleanup-backups",
      "poll-upstream",
      "reconcile",
      "weekly-tests",
    ]);
    for (const job of JOBS) assert.ok(cron.validate(job.cron), `${job.name}: ${job.cron}`);
    assert.equal(SCHEDULE_TIME_ZONE, "UTC");
  });

  it("sees a new upstream tag within 10 minutes, whatever minute of the day Linus pushes it", () => {
    const polls = firingMinutes(jobNamed("poll-upstream"), RELEASE_DAY);
    const wrapped = [...polls, polls[0]! + 24 * 60];
    for (let minute = 0; minute < 24 * 60; minute++) {
      const next = wrapped.find((poll) => poll >= minute)!;
      assert.ok(next - minute <= 10, `a tag pushed at minute ${minute} waits ${next - minute} min for a poll`);
    }
    assert.ok(polls.length <= 144, `${polls.length} polls a day: no more than one per 10 minutes`);
  });

  it("reconciles every hour, off the top of the hour, and checks the weekly tests once a day", () => {
    const reconciles = firingMinutes(jobNamed("reconcile"), RELEASE_DAY);
    assert.deepEqual(
      reconciles.map((minute) => Math.floor(minute / 60)),
      Array.from({ length: 24 }, (_, hour) => hour),
      "once in each hour",
    );
    assert.ok(
      reconciles.every((minute) => minute % 60 !== 0),
      "not at :00, where scheduled load everywhere peaks",
    );
    assert.equal(firingMinutes(jobNamed("weekly-tests"), RELEASE_DAY).length, 1);
  });
});

describe("startScheduler", () => {
  /** A table whose slots never come during a test (1 January, 00:00): only the catch-up runs. */
  const NEVER: readonly ScheduledJob[] = JOBS.map((job) => ({ ...job, cron: "0 0 1 1 *" }));

  it("runs every job once at start, in table order, and a failing one does not stop the others", async () => {
    const ran: JobName[] = [];
    const failed: JobName[] = [];
    const scheduler = startScheduler(
      async (job) => {
        ran.push(job);
        if (job === "poll-upstream") throw new Error("upstream unreachable");
      },
      { jobs: NEVER, onError: (job) => failed.push(job) },
    );
    try {
      await until("catch-up runs", () => ran.length, JOBS.length);
      assert.deepEqual(ran, ["poll-upstream", "reconcile", "weekly-tests", "cleanup-backups"]);
      assert.deepEqual(failed, ["poll-upstream"]);
    } finally {
      await scheduler.stop();
    }
  });

  it("does not catch up when told not to", async () => {
    const ran: JobName[] = [];
    const scheduler = startScheduler(async (job) => void ran.push(job), { jobs: NEVER, catchUp: false });
    await new Promise((resolve) => setImmediate(resolve));
    await scheduler.stop();
    assert.deepEqual(ran, []);
  });

  it("skips every slot that comes while the same job still runs, then runs again once it finished", async () => {
    // Every second: the catch-up run starts at once and is held; the next slots must find it running.
    const jobs: readonly ScheduledJob[] = [{ name: "reconcile", cron: "* * * * * *", why: "test" }];
    let started = 0;
    let running = 0;
    let overlapped = false;
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let skipped = 0;
    const scheduler = startScheduler(
      async () => {
        started++;
        running++;
        if (running > 1) overlapped = true;
        if (started === 1) await held;
        running--;
      },
      { jobs, onSkip: () => skipped++ },
    );
    try {
      await until("slots skipped while the first run is held", () => skipped, 2);
      assert.equal(started, 1, "no slot started a second run beside the held one");
      release();
      await until("a run after the held one finished", () => started, 2);
      assert.equal(overlapped, false);
    } finally {
      release();
      await scheduler.stop();
    }
  });
});
