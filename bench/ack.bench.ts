// Webhook ack latency: 200 signed push deliveries in 10 s across 50 repositories, to one app process without Redis
// (the in-memory queue) and then to one with REDIS_URL (deliveries recorded in Redis, runs through BullMQ).
// Run alone: `node --import tsx bench/ack.bench.ts` (needs Redis at REDIS_URL or 127.0.0.1:6379 for the second).
import { randomUUID } from "node:crypto";
import { openFleet, redisSkipReason, type Fleet, type Instance } from "../tests/reliability/redis-world.ts";

const DELIVERIES = 200;
const SPREAD_MS = 10_000;

async function burst(fleet: Fleet, instance: Instance): Promise<number[]> {
  const acks: Promise<{ status: number; ms: number }>[] = [];
  for (let i = 0; i < DELIVERIES; i++) {
    const repo = fleet.repos[i % fleet.repos.length]!;
    acks.push(fleet.send(instance, "push", randomUUID(), fleet.pushBody(repo)));
    await new Promise((done) => setTimeout(done, SPREAD_MS / DELIVERIES));
  }
  const answers = await Promise.all(acks);
  const failed = answers.filter((answer) => answer.status >= 300).length;
  if (failed > 0) console.log(`  ${failed} deliveries were not acknowledged with a 2xx`);
  return answers.map((answer) => answer.ms).sort((a, b) => a - b);
}

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]!;

const fleet = await openFleet(50);
try {
  console.log(`webhook ack, ${DELIVERIES} push deliveries in ${SPREAD_MS / 1000} s across 50 repositories:`);
  const memory = await fleet.start("memory", { REDIS_URL: "" });
  const alone = await burst(fleet, memory);
  console.log(`  without Redis: p50 ${pct(alone, 0.5).toFixed(1)} ms, p99 ${pct(alone, 0.99).toFixed(1)} ms`);
  await memory.kill("SIGKILL");
  const skip = await redisSkipReason();
  if (skip) console.log(`  with Redis: skipped (${skip})`);
  else {
    const shared = await fleet.start("redis");
    const withRedis = await burst(fleet, shared);
    console.log(`  with Redis:    p50 ${pct(withRedis, 0.5).toFixed(1)} ms, p99 ${pct(withRedis, 0.99).toFixed(1)} ms`);
  }
} finally {
  await fleet.close();
}
