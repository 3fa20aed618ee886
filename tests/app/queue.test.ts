// The per-repository queue: serial within a repository, parallel across, errors contained.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createJobQueue, DEFAULT_MAX_RUNS, readMaxRuns } from "../../src/app/queue.ts";

test("jobs of one repository run one at a time, in order; other repositories do not wait", async () => {
  const events: string[] = [];
  const errors: string[] = [];
  const queue = createJobQueue((key, error) => errors.push(`${key}: ${(error as Error).message}`));
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  queue.enqueue("a/x", async () => {
    events.push("x1 start");
    await gate;
    events.push("x1 end");
  });
  queue.enqueue("a/x", async () => {
    events.push("x2");
    throw new Error("boom");
  });
  queue.enqueue("a/x", async () => {
    events.push("x3");
  });
  queue.enqueue("a/y", async () => {
    events.push("y1");
  });
  await new Promise((resolve) => setImmediate(resolve));
  assert.deepEqual(events, ["x1 start", "y1"]);
  release();
  await queue.idle();
  assert.deepEqual(events, ["x1 start", "y1", "x1 end", "x2", "x3"]);
  assert.deepEqual(errors, ["a/x: boom"]);
});

test("at most maxRunning jobs run at once across repositories; the others wait and all complete", async () => {
  const queue = createJobQueue(() => {}, {}, 2);
  let running = 0;
  let peak = 0;
  const done: string[] = [];
  for (const repo of ["a", "b", "c", "d", "e", "f"])
    queue.enqueue(`o/${repo}`, async () => {
      running++;
      peak = Math.max(peak, running);
      await new Promise((resolve) => setTimeout(resolve, 5));
      running--;
      done.push(repo);
    });
  await queue.idle();
  assert.equal(peak, 2);
  assert.deepEqual([...done].sort(), ["a", "b", "c", "d", "e", "f"]);
});

test("MERGE_WINDOW_RUNS: a positive whole number, else an error naming it", () => {
  assert.equal(readMaxRuns({ MERGE_WINDOW_RUNS: "3" }), 3);
  assert.equal(readMaxRuns({}), DEFAULT_MAX_RUNS);
  assert.throws(
    () => readMaxRuns({ MERGE_WINDOW_RUNS: "0" }),
    /MERGE_WINDOW_RUNS="0": expected a positive whole number/,
  );
});
