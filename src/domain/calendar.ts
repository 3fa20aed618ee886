// The upstream clock: from Linus' tags and their dates, where the cycle stands now and what comes next.
import { InputError } from "./errors.ts";
import { RELEASE_HISTORY, type ReleaseHistoryRow } from "./release-history.ts";
import { addDays, calendarDayOf, daysBetween, type CalendarDay } from "./time.ts";
import {
  compareVersions,
  predictNextVersion,
  tryParseVersion,
  versionNumberOf,
  type KernelVersion,
  type VersionNumber,
  type VersionPrediction,
} from "./version.ts";

/** An upstream tag as git reports it: name and tagger date (an instant). */
export interface UpstreamTag {
  readonly name: string;
  readonly date: Date;
}

export interface VersionTag extends UpstreamTag {
  readonly version: KernelVersion;
}

export type UpstreamPhase = "merge-window" | "development" | "late";

export interface CalendarOptions {
  readonly timeZone: string;
  /** The rc number from which the cycle counts as late (default 6). */
  readonly lateThreshold: number;
}

export interface LastRcOdds {
  readonly lastRc: number;
  readonly probability: number;
  /** The day the release would come if this rc is the last (one week after it). */
  readonly releaseDay: CalendarDay;
}

export interface UpstreamCalendar {
  readonly phase: UpstreamPhase;
  /** The newest upstream tag at `now`. */
  readonly latest: VersionTag;
  /** The newest release `vX.Y` at or before `latest` (null when the tags start mid-cycle). */
  readonly release: VersionTag | null;
  /** The -rc1 that started the current cycle (P-rc1 for the window opened by P); null when not among the tags. */
  readonly cycleStart: VersionTag | null;
  /** N of the newest `-rcN`; null during a merge window. */
  readonly rc: number | null;
  /** Day k (1-based) of the merge window in the configured zone; null outside it. */
  readonly windowDay: number | null;
  /** The version whose `stable-X.Y` is current: the window's version, or the version under rc. */
  readonly stableVersion: VersionNumber;
  /** The version the current (or next) merge window is for: what `next` is collecting. */
  readonly target: VersionNumber;
  readonly targetCertain: boolean;
  readonly targetAlternatives: readonly VersionNumber[];
  readonly expected: {
    /**
     * When the window (current, or next) most likely closes with -rc1: release day + 14 (history: 13–15 local, 12–15 in
     * UTC).
     */
    readonly windowClose: CalendarDay;
    readonly windowCloseRange: readonly [CalendarDay, CalendarDay];
    /** The most likely release day of the version under way (never assumes the newest rc is the last). */
    readonly release: CalendarDay;
    readonly releaseOdds: readonly LastRcOdds[];
  };
}

/** Merge windows since v4.0 lasted 13–15 days in Linus' local dates, 14 in most cycles; a Sunday-evening
 * release (US time) is already Monday in UTC, so a UTC calendar can see 12. */
export const WINDOW_DAYS = { typical: 14, min: 12, max: 15 } as const;
const HISTORY_FROM = { major: 4, minor: 0 };

/** Parses and orders the mainline version tags, dropping other shapes (`v2.6.11-tree`, `next-2024…`). */
export function readVersionTags(tags: readonly UpstreamTag[]): VersionTag[] {
  const parsed: VersionTag[] = [];
  for (const tag of tags) {
    const version = tryParseVersion(tag.name);
    if (version && version.major >= 3) parsed.push({ ...tag, version });
  }
  return parsed.sort((a, b) => compareVersions(a.version, b.version));
}

/**
 * Where upstream stands at `now`: only tags dated at or before `now` count, and the phase moves only
 * on real tags (an overdue rc1 or release keeps the phase as it is, with the day count running on).
 */
export function deriveCalendar(tags: readonly UpstreamTag[], now: Date, options: CalendarOptions): UpstreamCalendar {
  const known = readVersionTags(tags).filter((tag) => tag.date.getTime() <= now.getTime());
  const latest = known.at(-1);
  if (!latest) throw new InputError("no-upstream-tags", "no upstream vX.Y / vX.Y-rcN tag is dated at or before now");
  const release = known.findLast((tag) => tag.version.rc === null) ?? null;
  const zone = options.timeZone;
  const today = calendarDayOf(now, zone);
  const odds = (fromRc: number, rc1Day: CalendarDay) => lastRcOdds(RELEASE_HISTORY, now, fromRc, rc1Day);
  // The -rc1 of the newest series: the release's own when a window is open, else the one the rcs count from.
  const rc1 = known.find((tag) => tag.version.rc === 1 && sameSeries(tag.version, latest.version)) ?? null;

  if (latest.version.rc === null) {
    const releaseDay = calendarDayOf(latest.date, zone);
    const prediction = predictNextVersion(latest.version);
    const releaseOdds = odds(1, addDays(releaseDay, WINDOW_DAYS.typical));
    return {
      phase: "merge-window",
      latest,
      release: latest,
      cycleStart: rc1,
      rc: null,
      windowDay: daysBetween(releaseDay, today) + 1,
      stableVersion: prediction.version,
      ...targetOf(prediction),
      expected: expectWindow(releaseDay, releaseOdds, pickMostLikely(releaseOdds).releaseDay),
    };
  }

  const rc1Day = rc1
    ? calendarDayOf(rc1.date, zone)
    : addDays(calendarDayOf(latest.date, zone), -7 * (latest.version.rc - 1));
  const releaseOdds = odds(latest.version.rc, rc1Day);
  const releaseDay = pickMostLikely(releaseOdds).releaseDay;
  // The next window is for the version after the one under rc (a maintainer's override: deriveCycle).
  const prediction = predictNextVersion({ ...latest.version, rc: null });
  return {
    phase: latest.version.rc >= options.lateThreshold ? "late" : "development",
    latest,
    release,
    cycleStart: rc1,
    rc: latest.version.rc,
    windowDay: null,
    stableVersion: versionNumberOf(latest.version),
    ...targetOf(prediction),
    // The next window opens with the (most likely) release.
    expected: expectWindow(releaseDay, releaseOdds, releaseDay),
  };
}

function targetOf(
  prediction: VersionPrediction,
): Pick<UpstreamCalendar, "target" | "targetCertain" | "targetAlternatives"> {
  return { target: prediction.version, targetCertain: prediction.certain, targetAlternatives: prediction.alternatives };
}

/** Expectations for a window opening on `opens`: -rc1 two weeks later (12–15 days seen), and the release after it. */
function expectWindow(
  opens: CalendarDay,
  releaseOdds: readonly LastRcOdds[],
  release: CalendarDay,
): UpstreamCalendar["expected"] {
  return {
    windowClose: addDays(opens, WINDOW_DAYS.typical),
    windowCloseRange: [addDays(opens, WINDOW_DAYS.min), addDays(opens, WINDOW_DAYS.max)],
    release,
    releaseOdds,
  };
}

function sameSeries(a: KernelVersion, b: KernelVersion): boolean {
  return a.major === b.major && a.minor === b.minor && a.legacy.join(".") === b.legacy.join(".");
}

/**
 * Odds of each rc being the last, given that rc `fromRc` is out and no release yet: counted over
 * cycles since v4.0 released before `now` (a replay of the past does not peek at the future), with
 * half a count added to each candidate and one rc beyond the newest always possible — the phase
 * waits for the release tag, it never assumes the newest rc was the last.
 */
export function lastRcOdds(
  history: readonly ReleaseHistoryRow[],
  now: Date,
  fromRc: number,
  rc1Day: CalendarDay,
): LastRcOdds[] {
  const counts = new Map<number, number>();
  for (const row of history) {
    const version = tryParseVersion(`v${row.version}`);
    if (!version || compareVersions(version, { ...HISTORY_FROM, legacy: [], rc: null }) < 0) continue;
    if (Date.parse(`${row.releaseDateUtc}T00:00:00Z`) > now.getTime()) continue;
    if (row.lastRc >= fromRc) counts.set(row.lastRc, (counts.get(row.lastRc) ?? 0) + 1);
  }
  if (counts.size === 0) counts.set(fromRc, 0);
  const newest = Math.max(...counts.keys());
  if (newest === fromRc) counts.set(fromRc + 1, 0);
  const weights = [...counts.entries()].map(([lastRc, count]) => [lastRc, count + 0.5] as const);
  const total = weights.reduce((sum, [, weight]) => sum + weight, 0);
  return weights
    .sort(([a], [b]) => a - b)
    .map(([lastRc, weight]) => ({ lastRc, probability: weight / total, releaseDay: addDays(rc1Day, 7 * lastRc) }));
}

/** The rc most likely to be the last (the earlier one on a tie). */
export function pickMostLikely(odds: readonly LastRcOdds[]): LastRcOdds {
  return odds.reduce((best, entry) => (entry.probability > best.probability ? entry : best));
}
