// Scenario 32 (README: Reliability), several instances: 200 signed deliveries in 10 s across 50 repositories, 20 of
// them `/merge-window rebase` commands for one repository, spread over three app processes on one Redis, one of
// them killed (SIGKILL) in the middle of a run. Every delivery is acknowledged and completes once, every command
// is answered exactly once, no comment or check run is duplicated, a repository's runs never overlap, pushes
// coalesce, and the killed instance's run is taken over. Then every delivery is sent again: nothing runs twice.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import {
  assertNoOverlap,
  openFleet,
  OWNER,
  redisSkipReason,
  runIntervals,
  type Fleet,
  type Instance,
} from "./redis-world.ts";

// Runs whenever REDIS_URL is set (CI sets it; Redis must answer then). It takes minutes on a loaded machine, so a
// local run without REDIS_URL skips it; the drain waits on state (the queue empty, every delivery done), bounded.
const skip =
  (await redisSkipReason()) ??
  (process.env.REDIS_URL ? false : "set REDIS_URL (e.g. redis://127.0.0.1:6379) to run the burst; it takes minutes");

interface Delivery {
  readonly event: string;
  readonly id: string;
  readonly body: string;
}

/** Runs `instance` started and has not ended (from its log so far). */
function openRuns(instance: Instance): Set<string> {
  const open = new Set<string>();
  for (const { msg } of instance.lines()) {
    const started = /^run (\S+) started: /.exec(msg);
    const ended = /^run (\S+) ended: /.exec(msg);
    if (started) open.add(started[1]!);
    if (ended) open.delete(ended[1]!);
  }
  return open;
}

/**
 * SIGKILLs `instance` in the middle of a run: frozen (SIGSTOP) while its log shows a run open, then, once what it
 * wrote before the freeze is read, killed if the run is still open; otherwise thawed to try again. A run that
 * ends within milliseconds (nothing to do) cannot slip between the look and the kill.
 */
async function killMidRun(instance: Instance): Promise<void> {
  const pause = (ms: number) => new Promise((done) => setTimeout(done, ms));
  for (;;) {
    while (openRuns(instance).size === 0) await pause(5);
    instance.child.kill("SIGSTOP");
    await pause(200);
    if (openRuns(instance).size > 0) return instance.kill("SIGKILL");
    instance.child.kill("SIGCONT");
  }
}

async function rest(fleet: Fleet, method: string, path: string, body: unknown): Promise<any> {
  const res = await fetch(`${fleet.forge.baseUrl}${path}`, {
    method,
    headers: { authorization: `token ${fleet.token}`, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  assert.ok(res.ok, `${method} ${path}: ${res.status} ${text}`);
  return JSON.parse(text);
}

describe("s32: a burst over three instances on one Redis, one killed mid-run", { skip }, () => {
  let fleet: Fleet;
  before(async () => {
    fleet = await openFleet(50, { badConfig: 2 });
  });
  after(async () => fleet?.close());

  it("answers each command once, duplicates nothing, never overlaps a repo, takes over the dead run", async () => {
    const [a, b, c] = await Promise.all(["a", "b", "c"].map((name) => fleet.start(name)));
    const commandRepo = fleet.repos[2]!; // a good config
    const issue = await rest(fleet, "POST", `/repos/${OWNER}/${commandRepo}/issues`, { title: "commands" });
    const comments: number[] = [];
    for (let i = 0; i < 20; i++) {
      const comment = await rest(fleet, "POST", `/repos/${OWNER}/${commandRepo}/issues/${issue.number}/comments`, {
        body: "/merge-window rebase",
      });
      comments.push(comment.id);
    }
    const commandDeliveries: Delivery[] = fleet.forge
      .pendingDeliveries()
      .filter((d) => d.event === "issue_comment" && comments.includes(Number((d.payload as any).comment?.id)))
      .map((d) => ({ event: d.event, id: d.id, body: d.body }));
    assert.equal(commandDeliveries.length, 20);
    const pushes: Delivery[] = Array.from({ length: 180 }, (_, n) => ({
      event: "push",
      id: randomUUID(),
      body: fleet.pushBody(fleet.repos[n % fleet.repos.length]!),
    }));
    // Every ninth delivery is a command.
    const burst: Delivery[] = [];
    for (const push of pushes) {
      burst.push(push);
      if (burst.length % 9 === 0 && commandDeliveries.length > 0) burst.push(commandDeliveries.shift()!);
    }
    burst.push(...commandDeliveries.splice(0));
    assert.equal(burst.length, 200);

    // 200 in 10 s, round-robin over the live instances; b is killed at its first run after the 60th delivery.
    const live: Instance[] = [a!, b!, c!];
    const killedAt = new Map<string, number>();
    let killing: Promise<void> | null = null;
    const acks: Promise<{ status: number; ms: number }>[] = [];
    for (const [i, delivery] of burst.entries()) {
      if (i === 60) {
        killing = (async () => {
          await killMidRun(b!);
          killedAt.set("b", Date.now());
          live.splice(live.indexOf(b!), 1);
        })();
      }
      // Settled at once: a request to b as it dies fails, and is redelivered below.
      const sent = fleet.send(live[i % live.length]!, delivery.event, delivery.id, delivery.body);
      acks.push(
        sent.then(
          (answer) => answer,
          () => ({ status: 0, ms: 0 }),
        ),
      );
      await new Promise((done) => setTimeout(done, 50));
    }
    await killing;
    const answers = await Promise.all(acks);
    // A request b took just before it died may have no answer: GitHub counts it as failed and redelivers it.
    const unanswered = burst.filter((_, i) => answers[i]!.status === 0);
    for (const [i, answer] of answers.entries())
      if (answer.status >= 300) assert.fail(`delivery ${i} answered ${answer.status}`);
    for (const delivery of unanswered) {
      const answer = await fleet.send(a!, delivery.event, delivery.id, delivery.body);
      assert.ok(answer.status < 300, `redelivery of ${delivery.id}: ${answer.status}`);
    }
    const latencies = answers.flatMap((x) => (x.status > 0 ? [x.ms] : [])).sort((x, y) => x - y);
    console.log(
      `# acks: ${latencies.length}, p50 ${latencies[Math.floor(latencies.length / 2)]!.toFixed(1)} ms, ` +
        `p99 ${latencies[Math.floor(latencies.length * 0.99)]!.toFixed(1)} ms, ${unanswered.length} redelivered`,
    );
    await fleet.drained(burst.map((d) => d.id));

    // Every delivery completed: recorded as done in Redis.
    for (const delivery of burst) {
      const state = await fleet.redis.hget(`${fleet.prefix}:delivery:${delivery.id}`, "state");
      assert.equal(state, "done", `delivery ${delivery.id} (${delivery.event})`);
    }
    // Every command answered exactly once; no marker comment twice anywhere.
    const thread = fleet.forge.issues(OWNER, commandRepo).find((x) => x.number === issue.number)!;
    for (const id of comments) {
      const replies = thread.comments.filter((x) => x.body.includes(`<!-- merge-window:reply:${id} -->`));
      assert.equal(replies.length, 1, `comment ${id} answered ${replies.length} times`);
    }
    for (const repo of fleet.repos) {
      const markers = fleet.forge
        .issues(OWNER, repo)
        .flatMap((x) =>
          x.comments.map((comment) => `#${x.number} ${/<!-- merge-window:\S+ -->/.exec(comment.body)?.[0] ?? "null"}`),
        )
        .filter((marker) => !marker.endsWith(" null"));
      assert.equal(new Set(markers).size, markers.length, `${repo}: a marker comment twice: ${markers.join(", ")}`);
      const checks = fleet.forge.checkRuns(OWNER, repo).map((run) => `${run.name} @ ${run.headSha}`);
      assert.equal(new Set(checks).size, checks.length, `${repo}: a check run twice: ${checks.join(", ")}`);
    }

    // One run per repository at a time, across the three processes (b's cut short by the kill).
    const intervals = runIntervals([a!, b!, c!], killedAt);
    assertNoOverlap(intervals);
    const bLines = b!.lines();
    const bStarted = bLines.filter((line) => / started: /.test(line.msg)).length;
    const bEnded = bLines.filter((line) => / ended: /.test(line.msg)).length;
    assert.ok(bStarted > bEnded, "b was killed in the middle of a run");
    // Commands kept their identity (one job each); the 180 pushes coalesced into far fewer runs.
    const runs = [...intervals.values()].flat();
    const commandRuns = intervals.get(`${OWNER}/${commandRepo}`)!.filter((run) => run.kind === "comment");
    assert.ok(commandRuns.length >= 20, `${commandRuns.length} command runs`);
    const pushRuns = runs.filter((run) => run.kind === "push").length;
    assert.ok(pushRuns < 180, `${pushRuns} push runs for 180 pushes: they coalesce`);
    // The run b died in was taken over once its lock expired.
    const takeovers = await Promise.all(
      [a!, c!].map(async (x) => /^merge_window_lock_takeovers_total (\d+)/m.exec(await x.metrics())?.[1]),
    );
    assert.ok(
      takeovers.some((n) => Number(n) >= 1),
      `lock takeovers on a and c: ${takeovers.join(", ")}`,
    );

    // GitHub redelivers: the same 200 again, to other instances, change nothing.
    const runsBefore = runs.length;
    const again = await Promise.all(burst.map((d, i) => fleet.send([a!, c!][i % 2]!, d.event, d.id, d.body)));
    assert.ok(again.every((x) => x.status < 300));
    await fleet.drained(burst.map((d) => d.id));
    const afterRuns = [...runIntervals([a!, b!, c!], killedAt).values()].flat().length;
    assert.equal(afterRuns, runsBefore, "a redelivered delivery runs nothing");
  });
});
