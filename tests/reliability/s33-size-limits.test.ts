// Scenario 33: a huge pull's text is cut below GitHub's 65,536-character limit, and a 422 is never retried.
import { test } from "node:test";
import assert from "node:assert/strict";
import { isAmbiguousFailure } from "../../src/adapters/github/http.ts";
import { renderCodeBlock } from "../../src/domain/markdown.ts";
import { fitBody, MAX_BODY, renderMeta } from "../../src/domain/tracking-issue.ts";

test("s33: a 15k-commit shortlog in a code block fits, and the trailing metadata is never the part cut", () => {
  const shortlog = Array.from({ length: 15_000 }, (_, i) => `      selinux: change number ${i}`).join("\n");
  const meta = renderMeta({
    schema: 1,
    openingRelease: "6.9",
    rebaseDecision: null,
    versionOverride: null,
    done: [],
    tests: [],
  });
  const body = fitBody(renderCodeBlock(shortlog, "text"), meta);
  assert.ok(body.length <= MAX_BODY, `${body.length}`);
  assert.ok(body.endsWith(meta));
  assert.match(body, /truncated/);
});

test("s33: 422 (GitHub refused the write) is not ambiguous, so the at-most-twice writer does not retry it", () => {
  assert.equal(isAmbiguousFailure({ status: 422 }), false);
  assert.equal(isAmbiguousFailure({ status: 502 }), true);
});
