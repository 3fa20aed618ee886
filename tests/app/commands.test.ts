// `/merge-window` commands in issue comments, end to end: permission read from GitHub when the command runs,
// the action really done (stable-6.9 in the origin), a denial that does nothing, and the app's own comments ignored.
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { parseMeta } from "../../src/domain/tracking-issue.ts";
import { BOT, type ApiRequest } from "./api-world.ts";
import { openAppWorld, type AppWorld } from "./app-world.ts";
import { buildCommentPayload, type Person } from "./payload-world.ts";

const COMMENTS = "POST /repos/{owner}/{repo}/issues/{issue_number}/comments";
const UPDATE = "PATCH /repos/{owner}/{repo}/issues/{issue_number}";
const MAINTAINER: Person = { login: "pcmoore", type: "User" };
const CONTRIBUTOR: Person = { login: "omosnace", type: "User" };
const READER: Person = { login: "curious", type: "User" };

/** v6.8 is out (window day 2), next has patches, no stable-6.9 yet; the app opened issue #1 on its tick. */
async function openWindow(t: { after: (fn: () => void) => void }, settle = true): Promise<AppWorld> {
  const world = await openAppWorld({
    stage: "development",
    now: "2024-03-11T10:00:00Z",
    upstreamTags: ["v6.8-rc7", "v6.8"],
    permissions: { pcmoore: "maintain", omosnace: "write", curious: "read" },
  });
  t.after(() => world.close());
  if (settle) await world.settle();
  return world;
}

/** Delivers one comment on issue #1 expecting exactly `writes`; returns the requests it caused. */
async function comment(
  world: AppWorld,
  commentId: number,
  body: string,
  author: Person,
  writes: Parameters<AppWorld["api"]["expectWrites"]>,
): Promise<ApiRequest[]> {
  const from = world.api.requests.length;
  world.api.expectWrites(...writes);
  await world.deliver("issue_comment", buildCommentPayload(world, { issue: 1, commentId, body, author }));
  world.assertDone();
  return world.api.requests.slice(from);
}

function refsOf(world: AppWorld): string {
  return world.git(world.originDir, ["for-each-ref", "--format=%(objectname) %(refname)"]);
}

const visible = (body: string) => body.replace(/<!-- merge-window:meta v1 [^>]* -->/, "");

test("a writer's skip-rebase is recorded; a maintainer's create-stable pushes stable-6.9 at next", async (t) => {
  const world = await openWindow(t);
  const next = world.git(world.originDir, ["rev-parse", "--verify", "--end-of-options", "refs/heads/next"]);

  // A reply that only reports a decision follows the memory write that records it ("recorded" is then true).
  const skipped = await comment(world, 9001, "Tests pass on next.\n/merge-window skip-rebase\n", CONTRIBUTOR, [
    UPDATE,
    COMMENTS,
  ]);
  assert.ok(
    skipped.some((r) => r.method === "GET" && r.path.endsWith(`/collaborators/${CONTRIBUTOR.login}/permission`)),
    "permission read at execution time",
  );
  const [update, reply] = skipped.filter((r) => r.method !== "GET");
  assert.equal(
    reply!.body.body,
    "@omosnace recorded: `next` is not rebased this cycle.\n\n<!-- merge-window:reply:9001 -->",
  );
  assert.match(
    update!.body.body,
    // The login is shown, not pinged (a zero-width joiner after the @).
    /^- ✅ \*\*Decide whether[^\n]*\(done\): skip \(by @\u200domosnace\)\n- ➖ \*\*Rebase next[^\n]*\(not needed\)/m,
  );
  assert.match(update!.body.body, /^- 👉 \*\*Copy next to stable-6\.9\*\* \(to do now\)/m);
  assert.deepEqual(
    { ...parseMeta(update!.body.body)?.rebaseDecision, at: "…" },
    { choice: "skip", by: "omosnace", at: "…", sha: next },
  );
  assert.ok(!/stable-6\.9/.test(refsOf(world)), "skip-rebase creates nothing");

  const created = await comment(world, 9002, "/merge-window create-stable", MAINTAINER, [COMMENTS, UPDATE]);
  const stable = world.git(world.originDir, ["rev-parse", "--verify", "--end-of-options", "refs/heads/stable-6.9"]);
  assert.equal(stable, next, "stable-6.9 is next's commit, pinned when the command ran");
  const writes = created.filter((r) => r.method !== "GET");
  assert.equal(
    writes[0]!.body.body,
    `@pcmoore creating \`stable-6.9\` from \`next\` at ${next.slice(0, 12)}.\n\n<!-- merge-window:reply:9002 -->`,
  );
});

test("a reader's command gets one denial; nothing is created, only the issue's hidden memory changes", async (t) => {
  const world = await openWindow(t);
  const refs = refsOf(world);
  const before = world.api.state.issues[0]!.body;

  const requests = await comment(world, 9100, "/merge-window create-stable", READER, [UPDATE, COMMENTS]);

  const writes = requests.filter((r) => r.method !== "GET");
  assert.deepEqual(
    writes.map((r) => r.route),
    [UPDATE, COMMENTS],
  );
  assert.equal(
    writes[1]!.body.body,
    "@curious `/merge-window create-stable` needs maintain permission on this repository; yours is read. " +
      "Nothing was done.\n\n<!-- merge-window:reply:9100:denied:curious -->",
  );
  assert.equal(visible(writes[0]!.body.body), visible(before), "the checklist is unchanged");
  assert.deepEqual(
    parseMeta(writes[0]!.body.body)?.done.filter((key) => !parseMeta(before)?.done.includes(key)),
    ["command:9100", "reply:9100:denied:curious"],
  );
  assert.equal(refsOf(world), refs, "no ref moved or appeared in the origin");
  assert.equal(world.api.state.comments.get(1)?.filter((c) => c.body.includes("curious")).length, 1);
});

test("a comment by the app itself, or by another bot, costs no request at all and no run", async (t) => {
  const world = await openWindow(t, false);
  world.api.expectWrites();
  const dependabot: Person = { login: "dependabot[bot]", type: "Bot" };
  await world.deliver(
    "issue_comment",
    buildCommentPayload(world, { issue: 1, commentId: 9200, body: "/merge-window create-stable", author: BOT }),
  );
  await world.deliver(
    "issue_comment",
    buildCommentPayload(world, { issue: 1, commentId: 9201, body: "/merge-window rebase", author: dependabot }),
  );
  world.assertDone();
  assert.deepEqual(world.api.requests, []);
  assert.ok(!existsSync(join(world.dir, "cache", "repos")), "no workspace was opened");
});
