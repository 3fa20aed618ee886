// Scenario 37 (README: Reliability), several instances: after downtime over the fire time (a deploy), the instances
// starting together catch up each job's missed slot once, not once each; started again right after (a rolling
// restart), none runs it again: the slot's claim in Redis says it ran. Three real app processes, one Redis.
// (At most one reminder per issue per period, the `period=` marker, is the domain's and is tested there.)
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { openFleet, redisSkipReason, type Fleet, type Instance } from "./redis-world.ts";

const skip = (await redisSkipReason()) ?? false;
const JOBS = ["poll-upstream", "reconcile", "weekly-tests", "cleanup-backups"];

/** Per job, the slots each instance caught up at start, and how many instances were told another one runs it. */
async function catchUps(instances: readonly Instance[]) {
  const pattern = /^scheduled job (\S+): (?:running the (\S+) slot \(catch-up at start\)|the (\S+) slot is skipped)/;
  const deadline = Date.now() + 120_000;
  for (;;) {
    const seen = new Map<string, { ran: string[]; notElected: number }>(
      JOBS.map((job) => [job, { ran: [], notElected: 0 }]),
    );
    for (const instance of instances)
      for (const { msg } of instance.lines()) {
        const match = pattern.exec(msg);
        if (!match) continue;
        const entry = seen.get(match[1]!)!;
        if (match[2]) entry.ran.push(match[2]);
        else if (/not-elected/.test(msg)) entry.notElected++;
      }
    // Every instance has decided about every job (ran it, or was not elected).
    if ([...seen.values()].every((x) => x.ran.length + x.notElected >= instances.length)) return seen;
    if (Date.now() > deadline) assert.fail(`catch-up not decided: ${JSON.stringify([...seen])}`);
    await new Promise((done) => setTimeout(done, 200));
  }
}

describe("s37: downtime over the fire time, several instances", { skip }, () => {
  let fleet: Fleet;
  before(async () => (fleet = await openFleet(3)));
  after(async () => fleet?.close());

  it("catches each missed slot up once across instances, and not again after a restart", async () => {
    const first = await Promise.all(["a", "b", "c"].map((name) => fleet.start(name)));
    const once = await catchUps(first);
    for (const [job, { ran, notElected }] of once) {
      assert.equal(ran.length, 1, `${job}: caught up ${ran.length} times`);
      assert.equal(notElected, 2, `${job}: the two other instances were not elected`);
    }
    await fleet.drained();
    for (const instance of first) await instance.kill("SIGTERM");

    const second = await Promise.all(["d", "e", "f"].map((name) => fleet.start(name)));
    const again = await catchUps(second);
    for (const [job, { ran }] of again) {
      // A slot that came between the two starts is new, and caught up once; the first one never again.
      assert.ok(ran.length <= 1, `${job}: caught up ${ran.length} times after the restart`);
      assert.ok(!ran.includes(once.get(job)!.ran[0]!), `${job}: the ${once.get(job)!.ran[0]} slot ran twice`);
    }
    await fleet.drained();
  });
});
