// Deliveries GitHub repeats and answers GitHub garbles: a redelivered webhook changes nothing, and a comment whose
// POST landed but answered 502 is not posted twice (the adapter re-reads before it would retry).
import { test } from "node:test";
import assert from "node:assert/strict";
import { openAppWorld, type AppWorld } from "./app-world.ts";
import { buildCommentPayload } from "./payload-world.ts";

const COMMENTS = "POST /repos/{owner}/{repo}/issues/{issue_number}/comments";
const UPDATE = "PATCH /repos/{owner}/{repo}/issues/{issue_number}";
const WRITER = { login: "omosnace", type: "User" } as const;

async function openWindow(t: { after: (fn: () => void) => void }): Promise<AppWorld> {
  const world = await openAppWorld({
    stage: "development",
    now: "2024-03-11T10:00:00Z",
    upstreamTags: ["v6.8-rc7", "v6.8"],
    permissions: { omosnace: "write" },
  });
  t.after(() => world.close());
  await world.settle();
  return world;
}

const replies = (world: AppWorld, id: number) =>
  (world.api.state.comments.get(1) ?? []).filter((c) => c.body.endsWith(`<!-- merge-window:reply:${id} -->`));

test("the same delivery id twice: no request; the same comment in a new delivery writes nothing", async (t) => {
  const world = await openWindow(t);
  const payload = buildCommentPayload(world, {
    issue: 1,
    commentId: 9300,
    body: "/merge-window skip-rebase",
    author: WRITER,
  });
  world.api.expectWrites(COMMENTS, UPDATE);
  await world.deliver("issue_comment", payload, "delivery-9300");
  world.assertDone();
  assert.equal(replies(world, 9300).length, 1);

  const before = world.api.requests.length;
  world.api.expectWrites();
  await world.deliver("issue_comment", payload, "delivery-9300");
  world.assertDone();
  assert.deepEqual(world.api.requests.slice(before), [], "a redelivery is dropped before any request");

  // A restarted app has forgotten delivery ids; the tracking issue's memory still knows comment 9300 was handled.
  await world.deliver("issue_comment", structuredClone(payload), "delivery-9300-again");
  world.assertDone();
  assert.deepEqual(world.api.writes(before), []);
  assert.equal(replies(world, 9300).length, 1);
});

test("a 502 on a comment POST that landed: the adapter re-reads, finds it; there is exactly one comment", async (t) => {
  const world = await openWindow(t);
  const before = world.api.requests.length;
  world.api.expectWrites({ route: COMMENTS, landedThen: 502 }, UPDATE);
  await world.deliver(
    "issue_comment",
    buildCommentPayload(world, { issue: 1, commentId: 9400, body: "/merge-window skip-rebase", author: WRITER }),
  );

  world.assertDone();
  const requests = world.api.requests.slice(before).map((r) => r.route);
  assert.equal(requests.filter((r) => r === COMMENTS).length, 1, "posted once");
  assert.equal(
    requests[requests.indexOf(COMMENTS) + 1],
    "GET /repos/{owner}/{repo}/issues/{issue_number}/comments",
    "then re-read",
  );
  assert.equal(replies(world, 9400).length, 1);
  assert.match(replies(world, 9400)[0]!.body, /^@omosnace recorded: `next` is not rebased this cycle\./);
  assert.ok(requests.includes(UPDATE), "the decision is still recorded: the comment did land");
});
