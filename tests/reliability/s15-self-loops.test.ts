// Scenario 15: the app's own comments (its help text names commands) and other bots' comments are never commands;
// and a thread gets at most ten replies an hour, however many commands it receives (a flood, a loop through a human
// relay): the rest are settled silently, never taken up again.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mapWebhook } from "../../src/app/webhooks.ts";
import { buildCommentPayload } from "../app/payload-world.ts";
import { REPLIES_PER_THREAD_PER_HOUR } from "../../src/domain/reply-budget.ts";
import { openReliabilityWorld } from "./reliability-world.ts";

const TARGET = { owner: "selinuxproject", repo: "selinux-kernel", installationId: 4242 };

test("s15: a command in a comment by merge-window[bot] or any Bot is marked as a bot's; a human's is not", () => {
  const authors = [
    { login: "merge-window[bot]", type: "Bot" as const, bot: true },
    { login: "dependabot[bot]", type: "Bot" as const, bot: true },
    { login: "renovate[bot]", type: "User" as const, bot: true }, // `[bot]` in the login is enough
    { login: "pcmoore", type: "User" as const, bot: false },
  ];
  for (const author of authors) {
    const payload = buildCommentPayload(TARGET, { issue: 1, commentId: 7, body: "/merge-window rebase", author });
    const trigger = mapWebhook("issue_comment", payload)?.trigger as { kind: string; actorIsBot?: boolean };
    assert.equal(trigger.kind, "comment");
    assert.equal(trigger.actorIsBot, author.bot, author.login);
  }
});

test("s15: at most ten replies per thread per hour; the eleventh command on waits for the next hour", async (t) => {
  const world = await openReliabilityWorld();
  t.after(() => world.close());
  const replies = () => world.commentKeys().filter((key) => key.startsWith("reply:")).length;
  for (let i = 0; i < 12; i++) await world.comment("/merge-window help");
  assert.equal(REPLIES_PER_THREAD_PER_HOUR, 10);
  assert.equal(replies(), 10, "twelve commands, ten replies");
  await world.replay.tick();
  assert.equal(replies(), 10, "the two held back are settled, not taken up by the next run");
  world.replay.at(new Date(world.replay.clock.now().getTime() + 61 * 60_000));
  await world.comment("/merge-window help");
  assert.equal(replies(), 11, "an hour later the thread is answered again");
});
