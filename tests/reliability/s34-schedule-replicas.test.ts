// Scenario 34 (README: Reliability): exactly once across replicas. Three real processes run the app's scheduler with
// the Redis RunCoordinator (SET NX PX on `<prefix>:cron:<name>:<slot ISO>`), on a table firing every 2 s: one
// replica's claims arrive 1.5 s late (a clock behind), one starts 3 s after the others. Each slot runs once, and
// the claims are not deleted when the run completes: they expire after the lease.
// (node-cron's own env coordinator, NODE_CRON_RUN, is never used: the app always brings its Redis coordinator.)
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { join } from "node:path";
import { openRedisSpace, REDIS_URL, redisSkipReason } from "./redis-world.ts";

const skip = (await redisSkipReason()) ?? false;
const REPLICA = join(import.meta.dirname, "fixtures", "schedule-replica.ts");

interface Line {
  readonly replica: string;
  readonly slot?: string;
  readonly skipped?: string;
  readonly reason?: string;
}

function runReplica(env: Record<string, string>): Promise<Line[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", REPLICA], {
      env: { ...process.env, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    let err = "";
    child.stdout.on("data", (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (err += chunk.toString()));
    child.on("exit", (code) => {
      if (code !== 0) return reject(new Error(`replica ${env.NAME} exited ${code}:\n${err}`));
      resolve(
        out
          .split("\n")
          .filter((line) => line.startsWith("{"))
          .map((line) => JSON.parse(line) as Line),
      );
    });
  });
}

describe("s34: each schedule slot runs once across three replicas", { skip }, () => {
  let space: Awaited<ReturnType<typeof openRedisSpace>>;
  before(async () => (space = await openRedisSpace()));
  after(async () => space?.clean());

  it("one run per slot, whatever the skew or the start; the slot keys outlive the runs", async () => {
    const common = { REDIS_URL, PREFIX: space.prefix, CRON: "*/2 * * * * *", DURATION_MS: "14000" };
    const late = new Promise<void>((resolve) => setTimeout(resolve, 3000)).then(() =>
      runReplica({ ...common, NAME: "late-start", DURATION_MS: "11000" }),
    );
    const replicas = await Promise.all([
      runReplica({ ...common, NAME: "on-time" }),
      runReplica({ ...common, NAME: "behind", SKEW_MS: "1500" }),
      late,
    ]);
    const lines = replicas.flat();
    const ran = lines.filter((line) => line.slot !== undefined);
    const bySlot = new Map<string, string[]>();
    for (const line of ran) bySlot.set(line.slot!, [...(bySlot.get(line.slot!) ?? []), line.replica]);
    assert.ok(bySlot.size >= 4, `slots run: ${[...bySlot.keys()].join(", ")}`);
    for (const [slot, who] of bySlot) assert.equal(who.length, 1, `slot ${slot} ran on ${who.join(" and ")}`);
    // The other replicas saw the same slots and were not elected.
    const notElected = lines.filter((line) => line.reason === "not-elected");
    assert.ok(notElected.length >= bySlot.size, `${notElected.length} not-elected for ${bySlot.size} slots`);
    for (const line of notElected) assert.ok(bySlot.has(line.skipped!), `${line.skipped} skipped but never run`);
    // Not deleted on completion: each claim is still there, with its time to live.
    for (const slot of bySlot.keys()) {
      const ttl = await space.redis.pttl(`${space.prefix}:cron:reconcile:${slot}`);
      assert.ok(ttl > 0 && ttl <= 60_000, `claim of ${slot}: pttl ${ttl}`);
    }
  });
});
