// Scenario 36: every schedule is evaluated in UTC, so DST transitions in any zone neither skip nor double a run.
import { test } from "node:test";
import assert from "node:assert/strict";
import cron from "node-cron";
import { JOBS, SCHEDULE_TIME_ZONE } from "../../src/app/schedule.ts";

test("s36: the schedule runs in UTC and every job's expression is valid", () => {
  assert.equal(SCHEDULE_TIME_ZONE, "UTC");
  for (const job of JOBS) assert.ok(cron.validate(job.cron), `${job.name}: ${job.cron}`);
});
