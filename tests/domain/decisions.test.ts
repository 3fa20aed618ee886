// Decisions that used to sit in the pipeline and the adapters, now domain functions: each with its boundaries.
import { test } from "node:test";
import assert from "node:assert/strict";
import { emptyMemory } from "../../src/domain/facts.ts";
import { isTestsWorkflow } from "../../src/domain/machine/events.ts";
import { hasFixesTrailer } from "../../src/domain/machine/pulls.ts";
import { renderMailIntro } from "../../src/domain/request-pull.ts";
import { checkUnsafeTagName } from "../../src/domain/tag-check.ts";
import { isTagInPlay, TAG_HORIZON_DAYS } from "../../src/domain/tag-horizon.ts";
import { parseMeta, renderMeta } from "../../src/domain/tracking-issue.ts";
import { DAY_MS } from "../../src/domain/time.ts";

test("a Fixes: trailer is a line of its own naming 7 to 40 hex digits, in any commit", () => {
  const fix = 'selinux: fix a leak in avc\n\nFixes: 0123456789ab ("selinux: add avc cache")\nSigned-off-by: A <a@b>\n';
  assert.equal(hasFixesTrailer(["selinux: tidy", fix]), true);
  assert.equal(hasFixesTrailer(["Fixes: 1234567"]), true);
  assert.equal(hasFixesTrailer(["selinux: x\n\nFixes: 123456 (six digits)"]), false);
  assert.equal(hasFixesTrailer(["selinux: x\n\nFixes: #123"]), false);
  assert.equal(hasFixesTrailer(["selinux: x\n\nThis Fixes: 0123456789ab in the middle of a line"]), false);
  assert.equal(hasFixesTrailer(["selinux: x\n\nfixes: 0123456789ab"]), false, "the trailer is capitalized");
  assert.equal(hasFixesTrailer([]), false);
});

test("only the configured test workflow's runs are results: matched by file name after a slash", () => {
  const settings = { tests: { workflow: "selinux-testsuite.yml" } };
  assert.equal(isTestsWorkflow(".github/workflows/selinux-testsuite.yml", settings), true);
  assert.equal(isTestsWorkflow(".github/workflows/ci.yml", settings), false);
  assert.equal(isTestsWorkflow(".github/workflows/old-selinux-testsuite.yml", settings), false);
  assert.equal(isTestsWorkflow("selinux-testsuite.yml", settings), false, "a workflow path always has a folder");
  assert.equal(isTestsWorkflow(".github/workflows/selinux-testsuite.yml", { tests: { workflow: null } }), false);
});

test("family tags are in play for 140 days; an undated tag always is", () => {
  const now = new Date("2024-03-12T10:00:00Z");
  const daysAgo = (days: number) => new Date(now.getTime() - days * DAY_MS);
  assert.equal(TAG_HORIZON_DAYS, 140);
  assert.equal(isTagInPlay(daysAgo(1), now), true);
  assert.equal(isTagInPlay(daysAgo(140), now), true);
  assert.equal(isTagInPlay(new Date(daysAgo(140).getTime() - 1000), now), false);
  assert.equal(isTagInPlay(daysAgo(400), now), false);
  assert.equal(isTagInPlay(null, now), true);
});

test("the mail's intro names the window or the release candidate, and leaves room for the summary", () => {
  assert.equal(
    renderMailIntro("selinux", "window", "6.9"),
    "Here are the selinux patches for the Linux v6.9 merge window.\n\n<summary of the notable changes>",
  );
  assert.equal(
    renderMailIntro("audit", "fixes", "6.8"),
    "Here are the audit fixes for the current Linux v6.8 release candidate.\n\n<summary of the notable changes>",
  );
});

test("a tag name git must never see is the domain's verdict at once; a safe name is left to the full check", () => {
  for (const name of ["--upload-pack=evil", "a..b", "", "tag with space", "x".repeat(300)]) {
    const verdict = checkUnsafeTagName(name);
    assert.ok(verdict, JSON.stringify(name));
    assert.equal(verdict.valid, false);
    assert.equal(verdict.stableBranch, null);
    assert.ok(verdict.problems.length > 0);
  }
  assert.equal(checkUnsafeTagName("selinux-pr-20240312"), null);
});

test("the metadata block names the opening release, and a body written before the rename still reads", () => {
  const written = renderMeta({ ...emptyMemory("6.8"), done: ["remind:late"] });
  const json = (meta: string) => JSON.parse(atob(/v1 (\S+) -->/.exec(meta)![1]!)) as Record<string, unknown>;
  assert.equal(json(written).openingRelease, "6.8");
  assert.equal("cycle" in json(written), false);
  // An issue body as the app wrote it before: `cycle` held the opening release.
  const old = {
    schema: 1,
    cycle: "6.8",
    rebaseDecision: { choice: "skip", by: "pcmoore", at: "2024-01-22T10:00:00.000Z", sha: null },
    versionOverride: null,
    done: ["remind:cycle-start"],
    tests: [],
  };
  const memory = parseMeta(
    `<!-- merge-window:tracking -->\nchecklist\n\n<!-- merge-window:meta v1 ${btoa(JSON.stringify(old))} -->`,
  );
  assert.equal(memory?.openingRelease, "6.8");
  assert.equal(memory?.rebaseDecision?.by, "pcmoore");
  assert.deepEqual(memory?.done, ["remind:cycle-start"]);
  assert.equal(parseMeta(renderMeta(memory))?.openingRelease, "6.8");
  const nameless = { ...old, cycle: undefined };
  assert.equal(parseMeta(`<!-- merge-window:meta v1 ${btoa(JSON.stringify(nameless))} -->`), null);
});
