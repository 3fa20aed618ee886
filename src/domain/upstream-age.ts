// Whether upstream's newest tag is too old to be the real upstream: older than the longest release cycle in the
// embedded history (a stale clone, or the wrong remote), so every date derived from it would be wrong.
import { RELEASE_HISTORY } from "./release-history.ts";

const DAY_MS = 86_400_000;

/** The longest gap, in days, between two consecutive releases in the history (v3.0 onwards). */
export function longestCycleDays(): number {
  let longest = 0;
  for (let i = 1; i < RELEASE_HISTORY.length; i++) {
    const gap = Date.parse(RELEASE_HISTORY[i]!.releaseDateUtc) - Date.parse(RELEASE_HISTORY[i - 1]!.releaseDateUtc);
    longest = Math.max(longest, Math.round(gap / DAY_MS));
  }
  return longest;
}

/** A warning sentence when the newest upstream tag is older than the longest cycle at `now`, else null. */
export function describeStaleUpstream(latest: { name: string; date: Date }, now: Date): string | null {
  const age = Math.floor((now.getTime() - latest.date.getTime()) / DAY_MS);
  const longest = longestCycleDays();
  if (age <= longest) return null;
  return (
    `upstream's newest tag ${latest.name} is ${age} days old, longer than any release cycle (${longest} days): ` +
    `fetch upstream or give --upstream`
  );
}
