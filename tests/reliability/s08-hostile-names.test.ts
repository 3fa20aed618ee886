// Scenario 8: hostile tag names are refused by the name rules (strict charset, shape, subsystem) before any git or
// API call; each gets problems that say why.
import { test } from "node:test";
import assert from "node:assert/strict";
import { isSafeRefName, validateTagName } from "../../src/domain/names.ts";

const CONTEXT = {
  template: "{subsystem}-pr-{date}",
  subsystem: "selinux",
  now: new Date("2025-01-05T12:00:00Z"),
  timeZone: "UTC",
};

test("s08: every hostile name of the scenario is refused, with at least one problem code", () => {
  const hostile = [
    "--upload-pack=x",
    "-u",
    "--exec=x",
    "-c",
    "$(id)",
    "`id`",
    'zzz";echo${IFS}"hello";#',
    "HEAD",
    "@",
    "sеlinux-pr-20250101", // Cyrillic е
    "SELINUX-pr-20250101",
    "netfilter-pr-20250101", // a subsystem that is not this repository's
    `selinux-pr-20250101-${"a".repeat(230)}`,
  ];
  for (const name of hostile) {
    const problems = validateTagName(name, CONTEXT);
    assert.ok(problems.length > 0, `${JSON.stringify(name)} is refused`);
    assert.ok(
      problems.every((p) => /^[a-z-]+$/.test(p.code) && p.message.length > 0),
      JSON.stringify(problems),
    );
  }
  for (const name of hostile.slice(0, 9)) assert.equal(isSafeRefName(name), false, `${name} never reaches git`);
  assert.deepEqual(validateTagName("selinux-pr-20250101", CONTEXT), [], "the well-formed name passes");
});
