// The tracking issue's hidden metadata round-trips, and nothing untrusted or oversized gets through.
import { test } from "node:test";
import assert from "node:assert/strict";
import { emptyMemory } from "../../src/domain/facts.ts";
import { fitBody, MAX_BODY, parseMeta, renderMeta } from "../../src/domain/tracking-issue.ts";

test("memory survives the body round trip, unicode included", () => {
  const memory = {
    ...emptyMemory("6.8"),
    versionOverride: "7.0",
    done: ["remind:late", "command:1"],
    rebaseDecision: { choice: "skip" as const, by: "Ondřej", at: "2024-03-11T10:00:00.000Z", sha: null },
  };
  assert.deepEqual(parseMeta(`some text\n${renderMeta(memory)}\n`), memory);
});

test("a missing, foreign or garbled block is not trusted", () => {
  assert.equal(parseMeta("no block here"), null);
  assert.equal(parseMeta("<!-- merge-window:meta v1 bm90IGpzb24= -->"), null);
  assert.equal(
    parseMeta(
      `<!-- merge-window:meta v1 ${btoa(JSON.stringify({ schema: 2, cycle: "6.8", done: [], tests: [] }))} -->`,
    ),
    null,
  );
  assert.equal(parseMeta("<!-- merge-window:meta v1 !!! -->"), null);
});

test("bodies stay under GitHub's 65,536 characters and keep their metadata", () => {
  const meta = renderMeta(emptyMemory("6.8"));
  const body = fitBody("x".repeat(100_000), meta);
  assert.ok(body.length <= MAX_BODY, `${body.length}`);
  assert.match(body, /truncated/);
  assert.ok(body.endsWith(meta));
  assert.equal(fitBody("short", meta), `short\n\n${meta}`);
});
