// /readyz with several instances: Redis not answering and a SIGTERM drain each make the instance not ready, saying
// why; the HTTP handler answers 503 with those reasons.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { createHealthHandler, createHealthState, findNotReadyReasons } from "../../src/app/health.ts";
import { createMetrics } from "../../src/app/metrics.ts";

const NOW = new Date("2026-12-02T12:00:00Z");

function readyState() {
  const state = createHealthState();
  state.credentials = { status: "verified", slug: "merge-window" };
  state.lastUpstreamPoll = new Date(NOW.getTime() - 60_000);
  return state;
}

describe("readiness with Redis and on SIGTERM", () => {
  it("is ready while Redis answers; names Redis when it does not", () => {
    const state = readyState();
    let status: string | null = null;
    state.redis = () => status;
    assert.deepEqual(findNotReadyReasons(state, NOW), []);
    status = "Redis redis://127.0.0.1:6379 not answering (reconnecting)";
    assert.deepEqual(findNotReadyReasons(state, NOW), [status]);
  });

  it("answers 503 while draining after SIGTERM, with the reason", async () => {
    const state = readyState();
    state.draining = true;
    const handler = createHealthHandler(state, createMetrics(), () => NOW);
    const server = createServer((req, res) => void handler(req, res));
    await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
    try {
      const { port } = server.address() as { port: number };
      const res = await fetch(`http://127.0.0.1:${port}/readyz`);
      assert.equal(res.status, 503);
      assert.match(await res.text(), /shutting down \(SIGTERM\)/);
    } finally {
      server.close();
    }
  });
});
