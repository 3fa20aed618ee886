// Scenario 35 (README: Reliability): Redis down at fire time. The app's scheduler and its shared state reach the real
// Redis through a TCP relay that the test cuts and restores. While Redis is unreachable a slot is skipped (fail
// closed: node-cron's `execution:skipped` with `coordinator-error`, which the app turns into an error line and
// a metric), a webhook is refused (a 5xx: GitHub keeps it as failed, to be redelivered) instead of acknowledged
// with nobody holding it; once Redis is back the next slot runs (a run catches up from repository state).
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { createServer, connect, type Server, type Socket } from "node:net";
import { connectSharedRedis, createShared, type Shared } from "../../src/app/redis.ts";
import { startScheduler, type Scheduler } from "../../src/app/schedule.ts";
import { freePort, openRedisSpace, REDIS_URL, redisSkipReason } from "./redis-world.ts";

const skip = (await redisSkipReason()) ?? false;

/** A relay on `port` to the real Redis; `cut()` closes it and every connection through it, `restore()` reopens. */
async function openRelay(port: number) {
  const target = new URL(REDIS_URL);
  const sockets = new Set<Socket>();
  let server: Server | null = null;
  const listen = () =>
    new Promise<void>((done) => {
      server = createServer((client) => {
        const upstream = connect(Number(target.port || 6379), target.hostname);
        for (const socket of [client, upstream]) {
          sockets.add(socket);
          socket.on("close", () => sockets.delete(socket));
          socket.on("error", () => socket.destroy());
        }
        client.pipe(upstream).pipe(client);
      });
      server.listen(port, "127.0.0.1", done);
    });
  await listen();
  return {
    async cut() {
      await new Promise<void>((done) => {
        server!.close(() => done());
        for (const socket of sockets) socket.destroy();
      });
    },
    restore: listen,
  };
}

const until = async (what: string, check: () => boolean, limitMs = 30_000) => {
  const deadline = Date.now() + limitMs;
  while (!check()) {
    if (Date.now() > deadline) assert.fail(`${what}: not after ${limitMs} ms`);
    await new Promise((done) => setTimeout(done, 50));
  }
};

describe("s35: Redis down at fire time", { skip }, () => {
  let space: Awaited<ReturnType<typeof openRedisSpace>>;
  let shared: Shared;
  let scheduler: Scheduler | null = null;
  before(async () => (space = await openRedisSpace()));
  after(async () => {
    await scheduler?.stop();
    await shared?.close();
    await space?.clean();
  });

  it("skips the slot (coordinator-error), refuses deliveries, and runs the next slot once Redis is back", async () => {
    const port = await freePort();
    const relay = await openRelay(port);
    const url = new URL(REDIS_URL);
    url.host = `127.0.0.1:${port}`;
    shared = createShared(await connectSharedRedis(url.href), space.prefix);
    const ran: string[] = [];
    const skipped: { slot: string; reason: string }[] = [];
    scheduler = startScheduler(async () => void ran.push(new Date().toISOString()), {
      jobs: [{ name: "reconcile", cron: "* * * * * *", why: "scenario 35", leaseMs: 60_000 }],
      catchUp: false,
      coordinator: shared.coordinator,
      onRun: () => {},
      onSlotSkipped: (_job, slot, reason) => skipped.push({ slot: slot.toISOString(), reason }),
    });
    await until("a slot runs while Redis answers", () => ran.length >= 1);
    assert.ok(await shared.beginDelivery("before-the-cut", 1), "a delivery is recorded while Redis answers");
    await shared.deliveryQueued("before-the-cut");

    await relay.cut();
    const ranAtCut = ran.length;
    await until(
      "two slots skipped with coordinator-error",
      () => skipped.filter((x) => x.reason === "coordinator-error").length >= 2,
    );
    const down = skipped.filter((x) => x.reason === "coordinator-error").length;
    assert.ok(ran.length <= ranAtCut + 1, "no slot ran while Redis was away (one may have claimed just before)");
    await assert.rejects(shared.beginDelivery("during-the-cut", 1), "a delivery is not acknowledged without Redis");

    await relay.restore();
    const ranAtRestore = ran.length;
    await until("a slot runs again once Redis is back", () => ran.length > ranAtRestore);
    assert.ok(await shared.beginDelivery("during-the-cut", 1), "the refused delivery, redelivered, is taken");
    assert.equal(await shared.deliveryState("before-the-cut"), "pending", "nothing recorded was lost");
    assert.ok(down >= 2);
    await relay.cut();
  });
});
