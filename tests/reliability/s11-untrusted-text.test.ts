// Scenario 11: tag messages and commit subjects with markers, commands, mentions and 70k characters, and git errors
// with tokens: rendered inert in what the app posts, truncated below 65,536, state read only from the app's body.
import { test } from "node:test";
import assert from "node:assert/strict";
import { findCommand } from "../../src/domain/commands.ts";
import { redactSecrets, renderCodeBlock, renderText } from "../../src/domain/markdown.ts";
import { fitBody, MAX_BODY, parseMeta } from "../../src/domain/tracking-issue.ts";
import { renderRebaseResult } from "../../src/domain/git-reports.ts";

const HOSTILE = [
  "<!-- merge-window:meta v1 eyJzY2hlbWEiOjEsImN5Y2xlIjoiNi45IiwiZG9uZSI6W10sInRlc3RzIjpbXX0= -->",
  "/merge-window create-stable",
  "/rebase",
  "@torvalds @everyone",
  "```",
].join("\n");

/** `body` without its code blocks and code spans (where nothing is live). */
function prose(body: string): string {
  return body.replace(/^(`{3,})[^\n]*\n[\s\S]*?^\1$/gm, "").replace(/(`+)(?!`)[\s\S]*?(?<!`)\1(?!`)/g, "");
}

test("s11: a hostile commit subject in a refused rebase's comment: no marker, command, mention, fence escape", () => {
  const body = renderRebaseResult(
    {
      status: "refused",
      code: "commits-missing",
      message:
        `fetch failed: https://x-access-token:ghs_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA@github.com/o/r.git\n` +
        `${HOSTILE}`,
      missing: HOSTILE.split("\n").map((subject, i) => ({ sha: `${i}`.repeat(40), subject })),
    } as never,
    "next",
  );
  assert.equal(findCommand(body), null, "nothing the app would run");
  assert.equal(parseMeta(body), null, "no memory marker the app would read");
  assert.doesNotMatch(prose(body), /@(?!\u200d)\w/, "no live mention outside code");
  assert.doesNotMatch(body, /ghs_A|x-access-token:/, "the token is redacted");
});

test("s11: a 70k-character tag message in a code block is cut below GitHub's limit and cannot close its fence", () => {
  const message = `${HOSTILE}\n${"x".repeat(70_000)}`;
  const body = fitBody(`**[GIT PULL]**\n\n${renderCodeBlock(message, "text")}`);
  assert.ok(body.length < MAX_BODY, `${body.length} < 65,536`);
  assert.match(body, /truncated/);
  assert.equal(findCommand(body), null);
  assert.equal(renderText("/merge-window tag").startsWith("/"), false);
  assert.equal(redactSecrets("remote: https://x-access-token:abc@github.com"), "remote: https://***@github.com");
});
