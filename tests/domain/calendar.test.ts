// Replays every cycle since v4.0 day by day from kernel-releases.csv and checks the derived upstream phase.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { deriveCalendar, type UpstreamTag } from "../../src/domain/calendar.ts";
import { RELEASE_HISTORY } from "../../src/domain/release-history.ts";
import { addDays, calendarDayOf, daysBetween, DAY_MS } from "../../src/domain/time.ts";

const CSV = join(import.meta.dirname, "../data/kernel-releases.csv");

interface Row {
  version: string;
  releaseDate: string;
  releaseDateUtc: string;
  rc1Date: string;
  rc1CommitTime: string;
  releaseCommitTime: string;
  lastRc: number;
}

/** The CSV, read with a small quoted-field parser (the notes column holds commas inside quotes). */
function readCsv(): Row[] {
  const [header, ...lines] = readFileSync(CSV, "utf8").trim().split("\n");
  const columns = header!.split(",");
  return lines.map((line) => {
    const cells = [...line.matchAll(/("(?:[^"]|"")*"|[^,]*)(,|$)/g)].map((m) => m[1]!.replace(/^"|"$/g, ""));
    const get = (name: string) => cells[columns.indexOf(name)] ?? "";
    return {
      version: get("version"),
      releaseDate: get("release_date"),
      releaseDateUtc: get("release_date_utc"),
      rc1Date: get("rc1_date"),
      rc1CommitTime: get("rc1_commit_time"),
      releaseCommitTime: get("release_commit_time"),
      lastRc: Number(get("last_rc").slice(2)),
    };
  });
}

const ROWS = readCsv();

/** Instants for the tags of one cycle: rc1 at its real commit time when known, rcs weekly, the release at noon UTC. */
function tagsOf(row: Row): UpstreamTag[] {
  const rc1 = row.rc1CommitTime
    ? new Date(row.rc1CommitTime.replace(" ", "T").replace(/ ([+-]\d\d)(\d\d)$/, "$1:$2"))
    : new Date(`${row.rc1Date}T22:00:00Z`);
  const tags: UpstreamTag[] = [];
  for (let rc = 1; rc <= row.lastRc; rc++)
    tags.push({ name: `v${row.version}-rc${rc}`, date: new Date(rc1.getTime() + (rc - 1) * 7 * DAY_MS) });
  tags.push({ name: `v${row.version}`, date: new Date(`${row.releaseDateUtc}T12:00:00Z`) });
  return tags;
}

test("the embedded release history is the CSV (tests/data)", () => {
  assert.equal(ROWS.length, 84);
  assert.deepEqual(
    RELEASE_HISTORY.map((r) => [
      r.version,
      r.releaseDate,
      r.releaseDateUtc,
      r.rc1Date,
      r.lastRc,
      r.rc1CommitTime ?? "",
      r.releaseCommitTime ?? "",
    ]),
    ROWS.map((r) => [
      r.version,
      r.releaseDate,
      r.releaseDateUtc,
      r.rc1Date,
      r.lastRc,
      r.rc1CommitTime,
      r.releaseCommitTime,
    ]),
  );
});

test("every day of every cycle from v4.0 on: phase, target, rc and window day match the dates", () => {
  const first = ROWS.findIndex((row) => row.version === "4.0");
  const allTags = ROWS.flatMap(tagsOf);
  let checked = 0;
  for (let i = first; i + 1 < ROWS.length; i++) {
    const [release, next, afterNext] = [ROWS[i]!, ROWS[i + 1]!, ROWS[i + 2]];
    const releaseTag = tagsOf(release).at(-1)!;
    const nextTags = tagsOf(next);
    const releaseDay = calendarDayOf(releaseTag.date, "UTC");
    const endDay = calendarDayOf(nextTags.at(-1)!.date, "UTC");
    for (let day = releaseDay; day < endDay; day = addDays(day, 1)) {
      for (const time of ["T12:30:00Z", "T23:59:00Z"]) {
        const now = new Date(`${day}${time}`);
        const seen = nextTags.filter((tag) => tag.date <= now);
        const upstream = deriveCalendar(allTags, now, { timeZone: "UTC", lateThreshold: 6 });
        const where = `v${next.version} cycle, ${now.toISOString()}`;
        const fmt = (v: { major: number; minor: number }) => `${v.major}.${v.minor}`;
        if (seen.length === 0) {
          assert.equal(upstream.phase, "merge-window", where);
          assert.equal(upstream.rc, null, where);
          assert.equal(upstream.windowDay, daysBetween(releaseDay, day) + 1, where);
          assert.equal(upstream.latest.name, `v${release.version}`, where);
          // The window's version: predicted right, or flagged uncertain with the truth among the alternatives.
          const candidates = [upstream.target, ...upstream.targetAlternatives].map(fmt);
          if (fmt(upstream.target) !== next.version) {
            assert.equal(upstream.targetCertain, false, `${where}: wrong and certain`);
            assert.ok(
              candidates.includes(next.version),
              `${where}: ${next.version} not among ${candidates.join(", ")}`,
            );
          }
        } else {
          const rc = seen.length;
          assert.equal(upstream.phase, rc >= 6 ? "late" : "development", where);
          assert.equal(upstream.rc, rc, where);
          assert.equal(upstream.windowDay, null, where);
          assert.equal(fmt(upstream.stableVersion), next.version, `${where}: rc1 says the version for sure`);
          if (afterNext && fmt(upstream.target) !== afterNext.version) {
            assert.equal(upstream.targetCertain, false, `${where}: next window wrongly certain`);
            assert.ok(upstream.targetAlternatives.map(fmt).includes(afterNext.version), where);
          }
          // Never assume the newest rc is the last: until the release tag exists, a later release stays possible.
          assert.ok(
            upstream.expected.releaseOdds.some((odds) => odds.lastRc > rc),
            where,
          );
        }
        checked++;
      }
    }
    // The window-close prediction made on release day covers the real rc1 day (v4.0+: 13–15 days).
    const onReleaseDay = deriveCalendar(allTags, new Date(`${releaseDay}T23:59:00Z`), {
      timeZone: "UTC",
      lateThreshold: 6,
    });
    const [earliest, latest] = onReleaseDay.expected.windowCloseRange;
    const rc1Day = calendarDayOf(nextTags[0]!.date, "UTC");
    assert.ok(
      earliest <= rc1Day && rc1Day <= latest,
      `v${next.version}-rc1 on ${rc1Day}, predicted ${earliest}..${latest}`,
    );
  }
  assert.ok(checked > 2 * 60 * 60, `checked ${checked} instants`);
});

test("the boundaries where the major number moved", () => {
  const allTags = ROWS.flatMap(tagsOf);
  const at = (iso: string) => deriveCalendar(allTags, new Date(iso), { timeZone: "UTC", lateThreshold: 6 });
  const fmt = (v: { major: number; minor: number }) => `${v.major}.${v.minor}`;
  for (const [release, bump] of [
    ["4.20", "5.0"],
    ["5.19", "6.0"],
    ["6.19", "7.0"],
  ] as const) {
    const row = ROWS.find((r) => r.version === release)!;
    const window = at(`${addDays(row.releaseDateUtc, 3)}T12:00:00Z`);
    assert.equal(window.phase, "merge-window");
    assert.equal(
      fmt(window.stableVersion),
      release.replace(/\d+$/, (m) => String(Number(m) + 1)),
    );
    assert.equal(window.targetCertain, false, `after v${release} the window's number is uncertain`);
    assert.deepEqual(window.targetAlternatives.map(fmt), [bump]);
    const bumpRow = ROWS.find((r) => r.version === bump)!;
    const afterRc1 = at(`${addDays(bumpRow.rc1Date, 2)}T12:00:00Z`);
    assert.equal(fmt(afterRc1.stableVersion), bump, `no stable-${fmt(window.stableVersion)} once rc1 says ${bump}`);
    assert.equal(afterRc1.rc, 1);
  }
  const overridden = deriveCalendar(allTags, new Date("2026-02-10T12:00:00Z"), {
    timeZone: "UTC",
    lateThreshold: 6,
    versionOverride: { major: 7, minor: 0 },
  });
  assert.equal(fmt(overridden.target), "7.0");
  assert.equal(overridden.targetCertain, true);
});

test("4.15 ran to rc9 and the phase waited for the release tag", () => {
  const allTags = ROWS.flatMap(tagsOf);
  const row = ROWS.find((r) => r.version === "4.15")!;
  const rc9Week = deriveCalendar(allTags, new Date(`${addDays(row.releaseDateUtc, -3)}T12:00:00Z`), {
    timeZone: "UTC",
    lateThreshold: 6,
  });
  assert.equal(rc9Week.rc, 9);
  assert.equal(rc9Week.phase, "late");
  assert.deepEqual(
    rc9Week.expected.releaseOdds.map((o) => o.lastRc),
    [9, 10],
  );
  assert.equal(rc9Week.expected.release, addDays(calendarDayOf(tagsOf(row)[8]!.date, "UTC"), 7));
});

test("rc7 is most likely the last, rc8 often: odds learnt from history before now", () => {
  const allTags = ROWS.flatMap(tagsOf);
  const row = ROWS.find((r) => r.version === "6.9")!;
  const rc7 = deriveCalendar(allTags, new Date(`${addDays(row.rc1Date, 43)}T12:00:00Z`), {
    timeZone: "UTC",
    lateThreshold: 6,
  });
  assert.equal(rc7.rc, 7);
  const odds = Object.fromEntries(rc7.expected.releaseOdds.map((o) => [o.lastRc, o.probability]));
  assert.ok(odds[7]! > odds[8]! && odds[8]! > 0.25, JSON.stringify(odds));
  assert.equal(rc7.expected.release, addDays(row.rc1Date, 49));
  const total = rc7.expected.releaseOdds.reduce((sum, o) => sum + o.probability, 0);
  assert.ok(Math.abs(total - 1) < 1e-9);
});

test("window days count in the configured time zone", () => {
  const tags = [{ name: "v6.8", date: new Date("2024-03-10T21:00:00Z") }];
  const now = new Date("2024-03-12T16:00:00Z");
  assert.equal(deriveCalendar(tags, now, { timeZone: "UTC", lateThreshold: 6 }).windowDay, 3);
  // In Tokyo the release fell on the 11th (06:00), and 16:00Z on the 12th is already the 13th.
  assert.equal(deriveCalendar(tags, now, { timeZone: "Asia/Tokyo", lateThreshold: 6 }).windowDay, 3);
  assert.equal(
    deriveCalendar(tags, new Date("2024-03-12T14:00:00Z"), { timeZone: "Asia/Tokyo", lateThreshold: 6 }).windowDay,
    2,
  );
  // Los Angeles: the release was the afternoon of the 10th; late evening of the 12th local is 2024-03-13T05:00Z.
  assert.equal(
    deriveCalendar(tags, new Date("2024-03-13T05:00:00Z"), { timeZone: "America/Los_Angeles", lateThreshold: 6 })
      .windowDay,
    3,
  );
});

test("tags in the future and foreign shapes are ignored; no tags at all is an error", () => {
  const tags = [
    { name: "v6.8", date: new Date("2024-03-10T21:00:00Z") },
    { name: "v6.9-rc1", date: new Date("2024-03-24T21:00:00Z") },
    { name: "v2.6.11-tree", date: new Date("2005-01-01T00:00:00Z") },
    { name: "next-20240311", date: new Date("2024-03-11T00:00:00Z") },
  ];
  assert.equal(
    deriveCalendar(tags, new Date("2024-03-20T00:00:00Z"), { timeZone: "UTC", lateThreshold: 6 }).phase,
    "merge-window",
  );
  assert.equal(
    deriveCalendar(tags, new Date("2024-03-25T00:00:00Z"), { timeZone: "UTC", lateThreshold: 6 }).phase,
    "development",
  );
  assert.throws(
    () => deriveCalendar(tags, new Date("2024-03-01T00:00:00Z"), { timeZone: "UTC", lateThreshold: 6 }),
    /no upstream/,
  );
});
