// Scenario 9 (README: Reliability): a tag's {date} is a real day, judged on the tagger's own calendar (his UTC offset,
// from -12:00 to +14:00) within ±tags.maxDateSkewDays of the tagger date; a day not yet begun for him is refused.
// Real SSH-signed tag objects with chosen tagger lines, in a throwaway repository, checked by the git layer.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import type { GitLayer } from "../../src/adapters/git/index.ts";
import { buildGitEnv } from "../../src/adapters/git/runner.ts";
import { defaultConfig } from "../../src/config/load.ts";
import type { TagPolicy } from "../../src/domain/tag-check.ts";
import { buildTagPolicy, verifyTag } from "../../src/observe.ts";
import { createSshKey, signPayload, type SshKey } from "../fixtures/keys.ts";
import { createWorld, git, type World } from "../adapters/git/git-world.ts";

const POLICY: TagPolicy = buildTagPolicy(defaultConfig("selinux"));

describe("s09: tag dates on the tagger's own calendar", () => {
  let world: World;
  let key: SshKey;
  let layer: GitLayer;
  let commit: string;

  /** A signed tag `name` on stable-6.8 whose tagger line says `instant` at `offset` (git's `+HHMM`). */
  function makeTag(name: string, date: string, instant: string, offset: string): void {
    const epoch = Math.floor(Date.parse(instant) / 1000);
    const payload =
      `object ${commit}\ntype commit\ntag ${name}\n` +
      `tagger Paul Moore <paul@paul-moore.com> ${epoch} ${offset}\n\nselinux/stable-6.8 PR ${date}\n`;
    const object = execFileSync("git", ["mktag"], {
      cwd: world.maint,
      env: buildGitEnv(),
      input: payload + signPayload(key, payload),
      encoding: "utf8",
    }).trim();
    git(world.maint, ["update-ref", `refs/tags/${name}`, object]);
    git(world.maint, ["push", "-q", "origin", `refs/tags/${name}`]);
  }

  async function check(name: string, now: string, policy: Partial<TagPolicy> = {}) {
    return verifyTag(layer, name, {
      policy: { ...POLICY, ...policy },
      now: new Date(now),
      allowedSignersFile: key.allowedSignersPath(),
    });
  }
  const codes = async (name: string, now: string, policy: Partial<TagPolicy> = {}) =>
    (await check(name, now, policy)).problems.map((problem) => problem.code);

  before(async () => {
    world = createWorld();
    key = createSshKey(join(world.root, "ssh"), { comment: "paul@paul-moore.com" });
    commit = world.commit("selinux: fix", { "security/selinux/fix.c": "int fix;\n" });
    git(world.maint, ["branch", "stable-6.8"]);
    world.push("stable-6.8");
    // 2025-01-02T00:30+12:00 is 2025-01-01T12:30Z: the 2nd in Auckland, the 1st in UTC.
    makeTag("selinux-pr-20250102", "20250102", "2025-01-01T12:30:00Z", "+1200");
    makeTag("selinux-pr-20250102-2", "20250102", "2025-01-01T12:30:00Z", "+0000");
    // 2025-01-01T11:30Z at -12:00 (Baker Island) is still 2024-12-31, 23:30.
    makeTag("selinux-pr-20241231", "20241231", "2025-01-01T11:30:00Z", "-1200");
    makeTag("selinux-pr-20250103", "20250103", "2025-01-01T12:30:00Z", "+1400");
    makeTag("selinux-pr-20250101", "20250101", "2025-01-02T13:00:00Z", "+1200");
    makeTag("selinux-pr-20240229", "20240229", "2024-02-29T10:00:00Z", "+0000");
    for (const date of ["20240230", "20241301", "2024O101", "20230229"])
      makeTag(`selinux-pr-${date}`, date, "2024-02-29T10:00:00Z", "+0000");
    layer = world.layer();
    await layer.observe();
  });
  after(() => world.cleanup());

  it("accepts …-pr-20250102 tagged at 2025-01-02T00:30+12:00 (still the 1st in UTC)", async () => {
    const facts = await layer.readTagFacts("selinux-pr-20250102");
    assert.equal(facts.taggerOffsetMinutes, 12 * 60, "the tagger's +1200 is read from the tag object");
    assert.deepEqual(await check("selinux-pr-20250102", "2025-01-01T12:35:00Z"), {
      valid: true,
      problems: [],
      stableBranch: "stable-6.8",
    });
  });

  it("refuses the same name and instant from a tagger in UTC: the 2nd has not begun for him", async () => {
    assert.deepEqual(await codes("selinux-pr-20250102-2", "2025-01-01T12:35:00Z"), ["future-date"]);
  });

  it("accepts a maintainer at -12:00 dating the tag by his own day, already the next one in UTC", async () => {
    assert.deepEqual(await codes("selinux-pr-20241231", "2025-01-01T11:35:00Z"), []);
  });

  it("refuses a date more than a day ahead, even at +14:00", async () => {
    assert.deepEqual(await codes("selinux-pr-20250103", "2025-01-01T12:35:00Z"), ["future-date"]);
  });

  it("allows ±tags.maxDateSkewDays between the name's date and the tagger's own day", async () => {
    // Tagged on the 3rd in Auckland (2025-01-02T13:00Z), named for the 1st: two days apart.
    const now = "2025-01-02T13:05:00Z";
    assert.deepEqual(await codes("selinux-pr-20250101", now), ["date-far-from-tagger"]);
    assert.deepEqual(await codes("selinux-pr-20250101", now, { maxDateSkewDays: 2 }), []);
  });

  it("accepts 20240229 and refuses 20240230, 20241301, 2024O101 and 20230229", async () => {
    const now = "2024-02-29T12:00:00Z";
    assert.deepEqual(await codes("selinux-pr-20240229", now), []);
    const refused: Record<string, string[]> = {};
    for (const date of ["20240230", "20241301", "2024O101", "20230229"]) {
      const verdict = await check(`selinux-pr-${date}`, now);
      assert.equal(verdict.valid, false, date);
      refused[date] = verdict.problems.map((problem) => problem.code).filter((code) => code !== "message-mismatch");
    }
    assert.deepEqual(refused, {
      "20240230": ["impossible-date"],
      "20241301": ["impossible-date"],
      "2024O101": ["bad-shape"],
      "20230229": ["impossible-date"],
    });
  });
});
