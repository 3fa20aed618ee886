// The upstream tags (vX.Y-rcN, vX.Y) at their instants that fixtures and the sandbox replay create, from the
// kernel release history embedded in the domain (src/domain/release-history.ts, kept equal to tests/data's CSV).
import { RELEASE_HISTORY, type ReleaseHistoryRow } from "../domain/release-history.ts";
import { addSeconds, formatGitTime, parseGitTime } from "./scenario-time.ts";

export type KernelReleaseRow = ReleaseHistoryRow;

/** An upstream tag and the instant Linus tagged it (`%ci` form). */
export interface ReleaseTag {
  readonly tag: string;
  readonly date: string;
}

/** Every mainline release v3.0–v7.2 with its dates (no file is read: a clean clone has everything). */
export function readKernelReleases(): KernelReleaseRow[] {
  return [...RELEASE_HISTORY];
}

/**
 * Every tag of the cycles in `rows`, oldest first: `vX.Y-rc1` at its real time (or 14:00 -0700 on its real day),
 * `-rc2`… one week apart, `vX.Y` at its real time (or 15:00 -0700 on its real day). Then cut to `from`..`to`
 * (inclusive tag names). Only rc1 and release days are real; the other rcs are synthesized weekly.
 */
export function buildReleaseTags(
  rows: readonly KernelReleaseRow[],
  range: { from?: string; to?: string } = {},
): ReleaseTag[] {
  const tags: ReleaseTag[] = [];
  for (const row of rows) {
    const rc1 = parseGitTime(row.rc1CommitTime ?? `${row.rc1Date} 14:00:00 -0700`);
    for (let rc = 1; rc <= row.lastRc; rc++) {
      tags.push({ tag: `v${row.version}-rc${rc}`, date: formatGitTime(addSeconds(rc1, (rc - 1) * 7 * 86400)) });
    }
    tags.push({
      tag: `v${row.version}`,
      date: formatGitTime(parseGitTime(row.releaseCommitTime ?? `${row.releaseDate} 15:00:00 -0700`)),
    });
  }
  const start = range.from === undefined ? 0 : tags.indexOf(findReleaseTag(tags, range.from));
  const end = range.to === undefined ? tags.length - 1 : tags.indexOf(findReleaseTag(tags, range.to));
  return tags.slice(start, end + 1);
}

/** The tag named `name` among `tags`; throws naming it when there is none. */
export function findReleaseTag(tags: readonly ReleaseTag[], name: string): ReleaseTag {
  const found = tags.find((tag) => tag.tag === name);
  if (!found) throw new Error(`no upstream tag ${name} in the release table`);
  return found;
}
