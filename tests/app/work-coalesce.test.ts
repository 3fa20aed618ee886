// The in-process queue joins a run to one of the same repository still waiting when it would do the same work:
// the four scheduled jobs' catch-up at start costs a repository one cycle run and one backup cleanup.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createMemoryWork } from "../../src/app/work.ts";
import type { Trigger } from "../../src/ports.ts";

const JOBS = ["poll-upstream", "reconcile", "weekly-tests", "cleanup-backups"];

test("the catch-up's four ticks: one cycle run and one cleanup per waiting repository", async () => {
  const performed: string[] = [];
  let open!: () => void;
  const gate = new Promise<void>((resolve) => (open = resolve));
  const name = (trigger: Trigger) => (trigger.kind === "tick" ? trigger.job : trigger.kind);
  const work = createMemoryWork(
    async (request) => {
      await gate;
      performed.push(`${request.ref.repo} ${name(request.trigger)}`);
      return { status: "done" };
    },
    { log: () => {}, defer: () => {}, maxRuns: 1 },
  );
  const refs = ["a", "b", "c"].map((repo) => ({ installationId: 1, owner: "o", repo }));
  for (const job of JOBS) {
    assert.equal(
      await work.submit(
        null,
        refs.map((ref) => ({ ref, trigger: { kind: "tick", job } })),
      ),
      true,
    );
  }
  open();
  await work.idle();
  // Submitted together, every run still waited: the reconcile and weekly ticks joined the poll's run.
  assert.deepEqual(performed.sort(), [
    "a cleanup-backups",
    "a poll-upstream",
    "b cleanup-backups",
    "b poll-upstream",
    "c cleanup-backups",
    "c poll-upstream",
  ]);
});

test("a delivery whose run joined another is settled with it: redelivered after, it changes nothing", async () => {
  const performed: string[] = [];
  const work = createMemoryWork(
    async (request) => {
      performed.push(request.trigger.kind === "push" ? request.trigger.sha : "tick");
      return { status: "done" };
    },
    { log: () => {}, defer: () => {}, maxRuns: 1 },
  );
  const ref = { installationId: 1, owner: "o", repo: "a" };
  const push = (sha: string): Trigger => ({ kind: "push", ref: "refs/heads/next", sha, deleted: false });
  await work.submit("d0", [{ ref: { ...ref, repo: "busy" }, trigger: push("0".repeat(40)) }]);
  await work.submit("d1", [{ ref, trigger: push("") }]);
  await work.submit("d2", [{ ref, trigger: push("b".repeat(40)) }]);
  await work.idle();
  assert.deepEqual(performed, ["0".repeat(40), "b".repeat(40)], "one run for both, with the commit");
  assert.equal(await work.submit("d1", [{ ref, trigger: push("") }]), false);
  assert.equal(await work.submit("d2", [{ ref, trigger: push("b".repeat(40)) }]), false);
});
