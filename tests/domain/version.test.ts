// Kernel version tags: round-trip, numeric order, refusal of unknown shapes, next-version prediction.
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  compareVersions,
  formatVersion,
  parseVersion,
  parseVersionNumber,
  predictNextVersion,
  tryParseVersion,
} from "../../src/domain/version.ts";
import { InputError } from "../../src/domain/errors.ts";

test("accepted tags format back to themselves", () => {
  for (const tag of [
    "v6.10",
    "v6.10-rc3",
    "v3.0",
    "v3.1-rc10",
    "v7.0-rc1",
    "v2.6.39",
    "v2.6.39-rc7",
    "v2.6.32.60",
    "v4.20",
  ]) {
    assert.equal(formatVersion(parseVersion(tag)), tag);
  }
});

test("unknown shapes are refused, not guessed", () => {
  for (const tag of [
    "6.10",
    "v6",
    "v6.10-rc",
    "v6.10-rc0",
    "v06.1",
    "v6.01",
    "v6.10.1",
    "v6.10-rc3-dirty",
    "v2.6.11-tree",
    "v2.6.32.60-rc1",
    "V6.10",
    "v6.10 ",
    "v1.0",
    "v2.4.0",
    "",
    "--upload-pack=x",
    "v6.1O",
  ]) {
    assert.equal(tryParseVersion(tag), undefined, tag);
  }
  assert.throws(
    () => parseVersion("v6.10-rc"),
    (error: unknown) => error instanceof InputError && /v6\.10-rc/.test(error.message),
  );
});

test("versions order numerically, release after its rcs", () => {
  const sorted = [
    "v2.6.39",
    "v3.0-rc1",
    "v3.0",
    "v3.1-rc9",
    "v3.1-rc10",
    "v3.1",
    "v6.9-rc1",
    "v6.9",
    "v6.10-rc1",
    "v6.10",
    "v6.19",
    "v7.0-rc1",
    "v7.0",
  ];
  const shuffled = [...sorted].reverse();
  shuffled.sort((a, b) => compareVersions(parseVersion(a), parseVersion(b)));
  assert.deepEqual(shuffled, sorted);
});

test("the next version is X.(Y+1), uncertain where history bumped the major", () => {
  const cases: Array<[string, string, boolean, string[]]> = [
    ["v6.8", "6.9", true, []],
    ["v6.18", "6.19", true, []],
    ["v6.19", "6.20", false, ["7.0"]],
    ["v4.20", "4.21", false, ["5.0"]],
    ["v5.19", "5.20", false, ["6.0"]],
    ["v3.19", "3.20", false, ["4.0"]],
    ["v2.6.39", "3.0", false, []],
  ];
  for (const [release, next, certain, alternatives] of cases) {
    const prediction = predictNextVersion(parseVersion(release));
    assert.equal(`${prediction.version.major}.${prediction.version.minor}`, next, release);
    assert.equal(prediction.certain, certain, release);
    assert.deepEqual(
      prediction.alternatives.map((v) => `${v.major}.${v.minor}`),
      alternatives,
      release,
    );
  }
});

test("version numbers from maintainers: 6.9 and v7.0, nothing else", () => {
  assert.deepEqual(parseVersionNumber("v7.0"), { major: 7, minor: 0 });
  for (const bad of ["7", "7.0.1", "seven", "-7.0", "2.6", "7.0-rc1"]) {
    assert.throws(() => parseVersionNumber(bad), InputError, bad);
  }
});
