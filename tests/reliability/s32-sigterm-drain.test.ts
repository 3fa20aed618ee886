// Scenario 32 (README: Reliability), deploys: a real app process on Redis gets SIGTERM in the middle of a run. It
// stops taking webhooks, lets the run finish, closes Redis and exits 0; with no drain time left it exits 0 at
// once and another instance takes the run over once its lock expires. Either way the delivery completes.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { openFleet, redisSkipReason, type Fleet, type Instance } from "./redis-world.ts";

const skip = (await redisSkipReason()) ?? false;

/** Sends a push and resolves once `instance` logged that a run started (its first since `seen` lines). */
async function pushAndWaitForRun(fleet: Fleet, instance: Instance, repo: string): Promise<string> {
  const seen = instance.lines().length;
  const id = randomUUID();
  const answer = await fleet.send(instance, "push", id, fleet.pushBody(repo));
  assert.ok(answer.status < 300, `push answered ${answer.status}`);
  while (
    !instance
      .lines()
      .slice(seen)
      .some((line) => / started: /.test(line.msg))
  )
    await new Promise((done) => setTimeout(done, 5));
  return id;
}

const exitCode = (instance: Instance) =>
  new Promise<number | null>((done) =>
    instance.child.exitCode !== null
      ? done(instance.child.exitCode)
      : instance.child.once("exit", (code) => done(code)),
  );

describe("s32: SIGTERM drains an instance", { skip }, () => {
  let fleet: Fleet;
  before(async () => {
    // Catch-up runs at start would be what SIGTERM interrupts: the schedule is idle here (no catch-up to race).
    fleet = await openFleet(2);
  });
  after(async () => fleet?.close());

  it("lets the running run finish, takes no new webhook, closes Redis and exits 0", async () => {
    const a = await fleet.start("a", { MERGE_WINDOW_DRAIN_SECONDS: "600" });
    await fleet.drained(); // its catch-up runs
    const id = await pushAndWaitForRun(fleet, a, fleet.repos[0]!);
    const exited = exitCode(a);
    a.child.kill("SIGTERM");
    // A webhook after SIGTERM is not taken (the server closed its listener).
    await new Promise((done) => setTimeout(done, 500));
    const late = await fleet.send(a, "push", randomUUID(), fleet.pushBody(fleet.repos[1]!)).catch(() => null);
    assert.equal(late, null, "a webhook after SIGTERM is refused");
    assert.equal(await exited, 0);
    const msgs = a.lines().map((line) => line.msg);
    const started = msgs.filter((msg) => / started: /.test(msg)).length;
    const ended = msgs.filter((msg) => / ended: /.test(msg)).length;
    assert.equal(ended, started, "the run going at SIGTERM finished before the exit");
    assert.ok(msgs.includes("SIGTERM: running runs finished"), msgs.slice(-5).join("\n"));
    assert.ok(msgs.includes("SIGTERM: stopped"));
    assert.equal(await fleet.redis.hget(`${fleet.prefix}:delivery:${id}`, "state"), "done");
  });

  it("out of drain time, exits 0 with the run open; another instance takes it over and completes it", async () => {
    const b = await fleet.start("b", { MERGE_WINDOW_DRAIN_SECONDS: "0" });
    await fleet.drained();
    const id = await pushAndWaitForRun(fleet, b, fleet.repos[1]!);
    const exited = exitCode(b);
    b.child.kill("SIGTERM");
    assert.equal(await exited, 0);
    const msgs = b.lines().map((line) => line.msg);
    assert.ok(
      msgs.some((msg) => /runs still going after 0 s/.test(msg)),
      `the run was still going: ${msgs.slice(-5).join("\n")}`,
    );
    const c = await fleet.start("c");
    await fleet.drained([id]);
    const metrics = await c.metrics();
    const takeovers = /^merge_window_lock_takeovers_total (\d+)/m.exec(metrics)?.[1];
    assert.equal(Number(takeovers), 1, "c took the run over");
    assert.match(metrics, /^merge_window_queue_depth \d+/m, "c reports the shared queue's depth");
  });
});
