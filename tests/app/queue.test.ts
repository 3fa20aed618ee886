// The per-repository queue: serial within a repository, parallel across, errors contained.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createJobQueue } from "../../src/app/queue.ts";

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
