// README: Reliability, scenario 23. A push whose connection dies around the ref update (server hooks SIGKILL the
// receive-pack): the layer re-reads the leased refs with ls-remote. New SHA → success, one push; old SHA → one retry
// with the same lease; a third SHA → failure naming the ref and its three SHAs, no retry, never a refreshed lease.
import { test } from "node:test";
import assert from "node:assert/strict";
import { chmodSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pushWithLeases } from "../../src/adapters/git/push.ts";
import { createGitRunner } from "../../src/adapters/git/runner.ts";
import { renderRebaseResult } from "../../src/domain/git-reports.ts";
import { git, type World } from "../adapters/git/git-world.ts";
import { backupRefs, buildNextWorld, NOW, pushesOf } from "./git-scenario.ts";

const NEXT = "refs/heads/next";

/** Installs a server-side hook; every receive-pack that reaches pre-receive is counted in `received.log`. */
function hook(world: World, name: string, body: string): void {
  const file = join(world.origin, "hooks", name);
  writeFileSync(file, `#!/bin/sh\n${body}\n`);
  chmodSync(file, 0o755);
}

function countReceived(world: World): number {
  const log = join(world.origin, "received.log");
  return existsSync(log) ? readFileSync(log, "utf8").split("\n").filter(Boolean).length : 0;
}

const COUNT = 'echo received >> "$(pwd)/received.log"';
/** Kills the receive-pack that runs this hook: the client loses the connection. */
const KILL_SERVER = "kill -9 $PPID";

/** A push of a new commit onto next from the maintainer's clone, leased on next as the origin has it. */
function prepare(world: World) {
  const old = world.sha(NEXT);
  const intended = world.commit("selinux: one more", { "security/selinux/more.c": "int more;\n" });
  const spawns: string[][] = [];
  const runner = createGitRunner(world.maint, { onSpawn: (argv) => spawns.push([...argv]) });
  const push = () => pushWithLeases(runner, "origin", [{ sha: intended, lease: { ref: NEXT, expect: old } }]);
  const pushes = () => spawns.filter((argv) => argv.includes("push")).length;
  return { old, intended, push, pushes, spawns };
}

test("s23a: accepted, then the connection dies (post-receive): success by re-read, exactly one push", async (t) => {
  const world = buildNextWorld();
  t.after(() => world.cleanup());
  hook(world, "pre-receive", `${COUNT}\ncat >/dev/null`);
  hook(world, "post-receive", `cat >/dev/null\n${KILL_SERVER}`);
  const { intended, push, pushes, spawns } = prepare(world);
  const outcome = await push();
  assert.equal(outcome.ok, true, JSON.stringify(outcome));
  assert.equal(outcome.confirmedAfterError, true, "the push itself reported a failure");
  assert.equal(outcome.attempts, 1);
  assert.equal(pushes(), 1, "exactly one push process");
  assert.equal(countReceived(world), 1, "the server saw one push");
  assert.ok(
    spawns.some((argv) => argv.includes("ls-remote")),
    "the remote was re-read",
  );
  assert.equal(world.sha(NEXT), intended);
});

test("s23a: the connection dies before the report (reference-transaction committed): confirmed", async (t) => {
  const world = buildNextWorld();
  t.after(() => world.cleanup());
  hook(world, "pre-receive", `${COUNT}\ncat >/dev/null`);
  hook(world, "reference-transaction", `cat >/dev/null\n[ "$1" = committed ] && ${KILL_SERVER}\nexit 0`);
  const { intended, push, pushes } = prepare(world);
  const outcome = await push();
  assert.equal(outcome.updates.length, 0, `git saw no status at all:\n${outcome.output}`);
  assert.equal(outcome.ok && outcome.confirmedAfterError, true, JSON.stringify(outcome));
  assert.equal(pushes(), 1);
  assert.equal(countReceived(world), 1);
  assert.equal(world.sha(NEXT), intended);
});

test("s23a: a deletion whose connection dies after it was applied: gone is success", async (t) => {
  const world = buildNextWorld();
  t.after(() => world.cleanup());
  const object = world.sha(NEXT);
  git(world.origin, ["update-ref", "refs/tags/doomed", object]);
  hook(world, "post-receive", `cat >/dev/null\n${KILL_SERVER}`);
  const runner = createGitRunner(world.maint);
  const outcome = await pushWithLeases(runner, "origin", [
    { sha: null, lease: { ref: "refs/tags/doomed", expect: object } },
  ]);
  assert.equal(outcome.ok && outcome.confirmedAfterError, true, JSON.stringify(outcome));
  assert.equal(git(world.origin, ["for-each-ref", "refs/tags/doomed"]), "", "the tag is gone");
});

test("s23b: the connection dies before the update: still old, one retry with the same lease succeeds", async (t) => {
  const world = buildNextWorld();
  t.after(() => world.cleanup());
  // The first receive-pack is killed in pre-receive (before any ref moves); the second goes through.
  hook(
    world,
    "pre-receive",
    `${COUNT}\ncat >/dev/null\n[ -e killed-once ] && exit 0\ntouch killed-once\n${KILL_SERVER}`,
  );
  const { old, intended, push, pushes, spawns } = prepare(world);
  const outcome = await push();
  assert.equal(outcome.ok, true, JSON.stringify(outcome));
  assert.equal(outcome.confirmedAfterError, false, "the retry itself succeeded");
  assert.equal(outcome.attempts, 2);
  assert.equal(pushes(), 2, "exactly one retry");
  assert.equal(countReceived(world), 2);
  const leases = spawns.filter((argv) => argv.includes("push")).map((argv) => argv.filter((a) => a.includes("lease")));
  assert.deepEqual(leases, [[`--force-with-lease=${NEXT}:${old}`], [`--force-with-lease=${NEXT}:${old}`]]);
  assert.equal(world.sha(NEXT), intended);
});

test("s23c: someone else moved the ref, then the connection died: abort naming the three SHAs, no retry", async (t) => {
  const world = buildNextWorld();
  t.after(() => world.cleanup());
  const { old, intended, push, pushes } = prepare(world);
  git(world.maint, ["checkout", "-q", "-b", "side", old]);
  const third = world.commit("selinux: someone else's", { "security/selinux/else.c": "int other;\n" });
  git(world.maint, ["push", "-q", "origin", "side"]);
  git(world.maint, ["checkout", "-q", "next"]);
  hook(world, "pre-receive", `${COUNT}\ncat >/dev/null`);
  hook(world, "post-receive", `cat >/dev/null\ngit update-ref ${NEXT} ${third}\n${KILL_SERVER}`);
  const outcome = await push();
  assert.equal(outcome.ok, false, JSON.stringify(outcome));
  assert.equal(outcome.untouched, false, "not reported as untouched either");
  assert.equal(outcome.attempts, 1);
  assert.equal(pushes(), 1, "no retry");
  assert.equal(countReceived(world), 1);
  for (const sha of [old, intended, third]) assert.match(outcome.failure ?? "", new RegExp(sha.slice(0, 12)));
  assert.match(outcome.failure ?? "", /refs\/heads\/next: expected .* \(lease\), intended .*, actual /);
  assert.equal(world.sha(NEXT), third, "left as found");
});

test("s23a via rebaseNext: the branch push dies after acceptance: rebased, backup kept, said so", async (t) => {
  const world = buildNextWorld();
  t.after(() => world.cleanup());
  hook(world, "pre-receive", `${COUNT}\ncat >/dev/null`);
  // Only the push of next (not the backup's) loses its connection.
  hook(world, "post-receive", `grep -q ' ${NEXT}$' && ${KILL_SERVER}\nexit 0`);
  const layer = world.layer();
  const read = (await layer.observe()).next!.sha;
  const result = await layer.rebaseNext({ onto: "v6.8-rc2", expectedSha: read, now: NOW });
  assert.equal(result.status, "rebased", JSON.stringify(result));
  assert.equal(result.status === "rebased" && result.confirmedAfterError, true);
  assert.equal(world.sha(NEXT), result.status === "rebased" ? result.newSha : "");
  assert.match(backupRefs(world), new RegExp(`^refs/merge-window/backup/next-\\S+ ${read}$`), "the backup stays");
  assert.equal(pushesOf(world).length, 2, "the backup and next, each once");
  assert.equal(countReceived(world), 2);
  assert.match(renderRebaseResult(result, "next"), /reported an error, but re-reading the remote/);
});

test("s23c via rebaseNext: a third SHA after the failed push is an alert, never 'not changed'", async (t) => {
  const world = buildNextWorld();
  t.after(() => world.cleanup());
  const read = world.sha(NEXT);
  git(world.maint, ["checkout", "-q", "-b", "side", read]);
  const third = world.commit("selinux: someone else's", { "security/selinux/else.c": "int other;\n" });
  git(world.maint, ["push", "-q", "origin", "side"]);
  hook(world, "post-receive", `grep -q ' ${NEXT}$' || exit 0\ngit update-ref ${NEXT} ${third}\n${KILL_SERVER}`);
  const layer = world.layer();
  await layer.observe();
  const result = await layer.rebaseNext({ onto: "v6.8-rc2", expectedSha: read, now: NOW });
  assert.equal(result.status === "refused" && result.code, "push-unconfirmed", JSON.stringify(result));
  const reply = renderRebaseResult(result, "next");
  assert.match(
    reply,
    new RegExp(`expected ${read.slice(0, 12)} \\(lease\\), intended [0-9a-f]{12}, actual ${third.slice(0, 12)}`),
  );
  assert.doesNotMatch(reply, /was not changed|Rebased/);
  assert.match(reply, /did not retry/);
  assert.equal(world.sha(NEXT), third);
  assert.equal(pushesOf(world).length, 2, "the backup and next, no retry");
});
