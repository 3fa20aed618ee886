// Scenario 14: where commands count. Only `issue_comment.created`, at a line start, outside quotes, code and HTML
// comments; one command per comment (the first).
import { test } from "node:test";
import assert from "node:assert/strict";
import { findCommand } from "../../src/domain/commands.ts";
import { isHandled } from "../../src/app/webhooks.ts";

test("s14: edits are not commands; quoted, fenced, inline, indented, mid-line and hidden commands are ignored", () => {
  assert.equal(isHandled("issue_comment", "created"), true);
  for (const action of ["edited", "deleted"]) assert.equal(isHandled("issue_comment", action), false, action);
  const ignored = [
    "> /merge-window rebase",
    "```\n/merge-window rebase\n```",
    "`/merge-window rebase`",
    "    /merge-window rebase",
    "please /merge-window rebase",
    "<!-- /merge-window rebase -->",
    "<!--\n/merge-window rebase\n-->",
  ];
  for (const body of ignored) assert.equal(findCommand(body), null, JSON.stringify(body));
  const two = findCommand("/merge-window status\n/merge-window rebase");
  assert.ok(two?.ok && two.command.name === "status", "two commands in one comment: the first one only");
});
