// The schedule table: every expression is valid for node-cron, names are unique, every job says why.
import { test } from "node:test";
import assert from "node:assert/strict";
import cron from "node-cron";
import { JOBS, SCHEDULE_TIME_ZONE } from "../../src/app/schedule.ts";

test("every job has a valid cron expression, a unique name and a reason", () => {
  assert.equal(new Set(JOBS.map((job) => job.name)).size, JOBS.length);
  for (const job of JOBS) {
    assert.ok(cron.validate(job.cron), `${job.name}: ${job.cron}`);
    assert.ok(job.why.length > 40, job.name);
  }
  assert.ok(!cron.validate("61 * * * *"), "validate() rejects a bad expression, so the check above can fail");
  assert.equal(SCHEDULE_TIME_ZONE, "UTC");
});
