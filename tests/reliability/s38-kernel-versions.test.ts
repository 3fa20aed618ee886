// Scenario 38: kernel versions order numerically across the jump years and long rc runs; the next stable branch is
// named from the real tag; unknown shapes are refused.
import { test } from "node:test";
import assert from "node:assert/strict";
import { compareVersions, formatVersionNumber, parseVersion, predictNextVersion } from "../../src/domain/version.ts";

test("s38: numeric order across v2.6.39→v3.0 … v6.19→v7.0, rc8-rc10, four-part legacy tags", () => {
  const ordered = [
    "v2.6.32.60",
    "v2.6.39",
    "v3.0",
    "v3.1-rc9",
    "v3.1-rc10",
    "v3.1",
    "v3.19",
    "v4.0",
    "v4.15-rc9",
    "v4.15",
    "v4.20",
    "v5.0",
    "v5.19",
    "v6.0",
    "v6.9",
    "v6.10",
    "v6.19",
    "v7.0-rc1",
    "v7.0",
  ];
  const shuffled = [...ordered].reverse().sort(() => 0);
  const sorted = shuffled.map(parseVersion).sort(compareVersions);
  assert.deepEqual(
    sorted.map((v) => ordered.find((tag) => compareVersions(parseVersion(tag), v) === 0)),
    ordered,
  );
  for (const bad of ["v7", "v6.9-rc", "6.9", "v6.9.1.2.3", "v6.09", "v6.9-rc0"])
    assert.throws(() => parseVersion(bad), Error, bad);
});

test("s38: after v4.20 and v6.19 the number is not taken as settled; a real -rc1 settles it (stable-5.0, 7.0)", () => {
  for (const [release, rc1] of [
    ["v4.20", "5.0"],
    ["v6.19", "7.0"],
  ] as const) {
    const guess = predictNextVersion(parseVersion(release));
    assert.equal(guess.certain, false, `${release}: X.(Y+1) or (X+1).0`);
    // The real -rc1 is among the alternatives, and its own tag names the branch (the calendar settles it from there).
    assert.deepEqual(guess.alternatives.map(formatVersionNumber), [rc1]);
    const tagged = parseVersion(`v${rc1}-rc1`);
    assert.equal(`stable-${formatVersionNumber({ major: tagged.major, minor: tagged.minor })}`, `stable-${rc1}`);
  }
});
