// Scenario 15: the app's own comments (its help text names commands) and other bots' comments are never commands.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mapWebhook } from "../../src/app/webhooks.ts";
import { buildCommentPayload } from "../app/payload-world.ts";

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
