// Linus tags v6.8: the app notices from its upstream poll (no webhook exists for that), opens the cycle's
// tracking issue with its checklist when there is none, and posts the window-open reminder exactly once.
import { test } from "node:test";
import assert from "node:assert/strict";
import { parseMeta, TRACKING_MARKER } from "../../src/domain/tracking-issue.ts";
import type { ApiRequest } from "./api-world.ts";
import { openAppWorld } from "./app-world.ts";

const ISSUES = "POST /repos/{owner}/{repo}/issues";
const LABELS = "POST /repos/{owner}/{repo}/labels";
const COMMENTS = "POST /repos/{owner}/{repo}/issues/{issue_number}/comments";
const DISPATCH = "POST /repos/{owner}/{repo}/actions/workflows/{workflow_id}/dispatches";
const UPDATE = "PATCH /repos/{owner}/{repo}/issues/{issue_number}";

function bodyOf(writes: readonly ApiRequest[], route: string): string {
  const found = writes.filter((request) => request.route === route);
  assert.equal(found.length, 1, `exactly one ${route}`);
  return String(found[0]!.body.body);
}

function assertWindowOpenReminder(writes: readonly ApiRequest[]): void {
  const reminder = writes.find((request) => request.route === COMMENTS)!;
  assert.equal(reminder.path, "/repos/selinuxproject/selinux-kernel/issues/1/comments");
  assert.match(
    reminder.body.body,
    new RegExp(
      /^v6\.8 is released: the v6\.9 merge window is open \(day 2; -rc1 expected 2024-03-24\)\.\n- Copy /.source +
        /next to stable-6\.9: by window day 7\n/.source,
    ),
  );
  assert.match(reminder.body.body, /\n<!-- merge-window:remind:window-open -->$/);
}

test("the first run after v6.8 opens the v6.9 issue (label, checklist), posts the window-open reminder", async (t) => {
  const world = await openAppWorld({
    stage: "development",
    now: "2024-03-11T10:00:00Z",
    upstreamTags: ["v6.8-rc7", "v6.8"],
  });
  t.after(() => world.close());
  world.api.expectWrites(LABELS, ISSUES, COMMENTS, DISPATCH, UPDATE);

  await world.runtime.runJob("poll-upstream");
  await world.runtime.idle();

  world.assertDone();
  const writes = world.api.writes();
  assert.deepEqual(
    writes.map((request) => request.route),
    [LABELS, ISSUES, COMMENTS, DISPATCH, UPDATE],
    "issue first, then what refers to it",
  );
  const opened = writes[1]!.body;
  assert.deepEqual(
    [opened.title, opened.labels, writes[0]!.body.name],
    ["merge-window: v6.9 (selinux)", ["merge-window"], "merge-window"],
  );
  const body = String(opened.body);
  assert.ok(body.startsWith(`${TRACKING_MARKER}\n**Upstream:** merge window, day 2 (v6.8 tagged 2024-03-10)`), body);
  // The fixture's next holds a merge of another tree: no rebase is possible, so copying it is what is due.
  for (const step of [
    "➖ **Decide whether to rebase next onto the release** (not needed): next holds merges of others' history",
    "👉 **Copy next to stable-6.9** (to do now)",
    "⛔ **Signed tag on stable-6.9** (waiting on an earlier step)",
    "⛔ **[GIT PULL] request written** (waiting on an earlier step)",
  ]) {
    assert.ok(body.includes(`- ${step}`), `checklist line ${step}`);
  }
  assertWindowOpenReminder(writes);
  assert.deepEqual(
    parseMeta(bodyOf(writes, UPDATE))?.done,
    ["remind:window-open", "tests:week-of-2024-03-11"],
    "what was done is remembered in the issue",
  );
});

test("a poll that sees v6.8 appear runs the repository at once: the reminder in the open issue, once", async (t) => {
  const world = await openAppWorld({
    stage: "development",
    now: "2024-03-05T10:00:00Z",
    upstreamTags: ["v6.8-rc7", "v6.8-rc7"],
  });
  t.after(() => world.close());
  world.api.allowAnyWrites();
  // The app starts during rc7: it opens the issue, reminds "late" and "window soon".
  await world.runtime.runJob("poll-upstream");
  await world.runtime.idle();
  assert.equal(world.api.state.issues.length, 1);

  world.releaseUpstream("v6.8", "v6.8");
  world.clock.set("2024-03-11T10:00:00Z");
  const from = world.api.requests.length;
  world.api.expectWrites(COMMENTS, UPDATE);
  await world.runtime.runJob("poll-upstream");
  await world.runtime.idle();

  world.assertDone();
  const writes = world.api.writes(from);
  assert.deepEqual(
    writes.map((request) => request.route),
    [COMMENTS, UPDATE],
  );
  assertWindowOpenReminder(writes);
  assert.match(bodyOf(writes, UPDATE), /^\*\*Upstream:\*\* merge window, day 2 \(v6\.8 tagged 2024-03-10\)/m);

  const again = world.api.requests.length;
  world.api.expectWrites();
  await world.runtime.runJob("poll-upstream");
  await world.runtime.idle();
  world.assertDone();
  assert.deepEqual(
    world.api.requests.slice(again).map((request) => request.route),
    [],
    "no new tag: no run (and the installation list is kept, not asked again)",
  );
});
