// The cycle as a picture: a Mermaid gantt chart (GitHub renders it in issue bodies) of the rc weeks, the predicted
// merge window with its odds, every step's "by" day, and today. Dates are calendar days in the configured zone.
import type { UpstreamCalendar } from "./calendar.ts";
import type { CycleView } from "./cycle.ts";
import type { CyclePoint } from "./process.ts";
import { addDays, calendarDayOf, daysBetween, type CalendarDay } from "./time.ts";
import { formatVersionNumber } from "./version.ts";

/** Mermaid task names cannot hold `:`, `#`, `;` or brackets. */
function label(text: string): string {
  return text
    .replace(/[:#;[\]]/g, " ")
    .replace(/\s+/g, " ")
    .trim();
}

/** The day a cycle point falls on: rc N one week per rc after -rc1, window day k from the window's first day. */
export function dayOfPoint(point: CyclePoint, rc1: CalendarDay | null, windowOpen: CalendarDay): CalendarDay | null {
  if (point.kind === "window-day") return addDays(windowOpen, point.day - 1);
  return rc1 ? addDays(rc1, 7 * (point.rc - 1)) : null;
}

export function renderTimeline(input: {
  readonly cycle: CycleView;
  readonly upstream: UpstreamCalendar;
  readonly now: Date;
  readonly timeZone: string;
}): string {
  const { cycle, upstream, now, timeZone } = input;
  const today = calendarDayOf(now, timeZone);
  const inWindow = upstream.phase === "merge-window";
  const rc1 = !inWindow && upstream.cycleStart ? calendarDayOf(upstream.cycleStart.date, timeZone) : null;
  const windowOpen =
    inWindow && upstream.release ? calendarDayOf(upstream.release.date, timeZone) : upstream.expected.release;
  const lines = [
    "```mermaid",
    "gantt",
    `  title v${formatVersionNumber(cycle.target)} merge window (days in ${timeZone})`,
    "  dateFormat YYYY-MM-DD",
    "  axisFormat %b %d",
    "  todayMarker off",
  ];
  if (rc1) {
    lines.push(`  section v${cycle.openingRelease} rcs`);
    const lastRc = Math.max(upstream.rc ?? 1, ...upstream.expected.releaseOdds.map((odds) => odds.lastRc));
    for (let rc = 1; rc <= lastRc; rc++) {
      const start = addDays(rc1, 7 * (rc - 1));
      const state = daysBetween(addDays(start, 7), today) >= 0 ? "done, " : rc === upstream.rc ? "active, " : "";
      lines.push(`  rc${rc} :${state}${start}, 7d`);
    }
  }
  lines.push("  section Merge window");
  if (inWindow) {
    lines.push(`  Merge window (open) :active, ${windowOpen}, ${upstream.expected.windowClose}`);
  } else {
    for (const odds of upstream.expected.releaseOdds) {
      const percent = Math.round(odds.probability * 100);
      lines.push(`  If rc${odds.lastRc} is the last (${percent}%) :${odds.releaseDay}, 14d`);
    }
  }
  lines.push("  section Deadlines");
  for (const step of cycle.process.steps) {
    const day = step.deadline ? dayOfPoint(step.deadline, rc1, windowOpen) : null;
    if (day)
      lines.push(`  ${label(`${step.title.replace("stable-X.Y", cycle.stableBranch)} by`)} :milestone, ${day}, 0d`);
  }
  // Drawn when something changed (a body is not rewritten for the clock alone): the day of this picture.
  lines.push(`  Last update :crit, milestone, ${today}, 0d`, "```");
  return lines.join("\n");
}
