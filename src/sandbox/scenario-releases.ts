// The kernel release table (shared/data/kernel-releases.csv, or the rows the demo needs when that file is absent)
// and the upstream tags (vX.Y-rcN, vX.Y) at their instants that fixtures and the sandbox replay create.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { addSeconds, formatGitTime, parseGitTime } from "./scenario-time.ts";

/** The shared release table (outside this repository: a clean clone may not have it); tests/domain reads it too. */
export const KERNEL_RELEASES_CSV = join(import.meta.dirname, "../../../shared/data/kernel-releases.csv");

/** One CSV row, the columns a fixture needs (see shared/data/kernel-releases.md). */
export interface KernelReleaseRow {
  readonly version: string;
  /** Local date of the vX.Y release, `YYYY-MM-DD`. */
  readonly releaseDate: string;
  readonly rc1Date: string;
  readonly lastRc: number;
  /** Exact `%ci` times where known, else null. */
  readonly rc1CommitTime: string | null;
  readonly releaseCommitTime: string | null;
}

/** An upstream tag and the instant Linus tagged it (`%ci` form). */
export interface ReleaseTag {
  readonly tag: string;
  readonly date: string;
}

/** v6.7–v6.9 as the CSV has them: what the sandbox replay needs on a machine without shared/data. */
export const EMBEDDED_RELEASES: readonly KernelReleaseRow[] = [
  { version: "6.7", releaseDate: "2024-01-07", rc1Date: "2023-11-12", lastRc: 8, rc1CommitTime: "2023-11-12 16:19:07 -0800", releaseCommitTime: null },
  { version: "6.8", releaseDate: "2024-03-10", rc1Date: "2024-01-21", lastRc: 7, rc1CommitTime: "2024-01-21 14:11:32 -0800", releaseCommitTime: null },
  { version: "6.9", releaseDate: "2024-05-12", rc1Date: "2024-03-24", lastRc: 7, rc1CommitTime: "2024-03-24 14:10:05 -0700", releaseCommitTime: "2024-05-12 14:12:29 -0700" },
];

/** The CSV's rows when the file exists, else EMBEDDED_RELEASES (and which one it was). */
export function loadKernelReleases(path = KERNEL_RELEASES_CSV): { rows: KernelReleaseRow[]; source: "csv" | "embedded" } {
  return existsSync(path) ? { rows: readKernelReleases(path), source: "csv" } : { rows: [...EMBEDDED_RELEASES], source: "embedded" };
}

/** Parses the CSV (quoted fields with `""` escapes). */
export function readKernelReleases(path = KERNEL_RELEASES_CSV): KernelReleaseRow[] {
  const [header, ...records] = parseCsv(readFileSync(path, "utf8"));
  if (!header) throw new Error(`${path}: empty CSV`);
  const column = (name: string): number => {
    const index = header.indexOf(name);
    if (index < 0) throw new Error(`${path}: no column ${name}`);
    return index;
  };
  const [version, releaseDate, rc1Date, lastRc, rc1Time, releaseTime] =
    ["version", "release_date", "rc1_date", "last_rc", "rc1_commit_time", "release_commit_time"].map(column) as [number, number, number, number, number, number];
  return records.map((cells) => ({
    version: cells[version]!,
    releaseDate: cells[releaseDate]!,
    rc1Date: cells[rc1Date]!,
    lastRc: Number(cells[lastRc]!.replace(/^rc/, "")),
    rc1CommitTime: cells[rc1Time] || null,
    releaseCommitTime: cells[releaseTime] || null,
  }));
}

/**
 * Every tag of the cycles in `rows`, oldest first: `vX.Y-rc1` at its real time (or 14:00 -0700 on its real day),
 * `-rc2`… one week apart, `vX.Y` at its real time (or 15:00 -0700 on its real day). Then cut to `from`..`to`
 * (inclusive tag names). Only rc1 and release days are real; the other rcs are synthesized weekly.
 */
export function buildReleaseTags(rows: readonly KernelReleaseRow[], range: { from?: string; to?: string } = {}): ReleaseTag[] {
  const tags: ReleaseTag[] = [];
  for (const row of rows) {
    const rc1 = parseGitTime(row.rc1CommitTime ?? `${row.rc1Date} 14:00:00 -0700`);
    for (let rc = 1; rc <= row.lastRc; rc++) {
      tags.push({ tag: `v${row.version}-rc${rc}`, date: formatGitTime(addSeconds(rc1, (rc - 1) * 7 * 86400)) });
    }
    tags.push({ tag: `v${row.version}`, date: formatGitTime(parseGitTime(row.releaseCommitTime ?? `${row.releaseDate} 15:00:00 -0700`)) });
  }
  const start = range.from === undefined ? 0 : indexOfTag(tags, range.from);
  const end = range.to === undefined ? tags.length - 1 : indexOfTag(tags, range.to);
  return tags.slice(start, end + 1);
}

function indexOfTag(tags: readonly ReleaseTag[], name: string): number {
  const index = tags.findIndex((tag) => tag.tag === name);
  if (index < 0) throw new Error(`no upstream tag ${name} in the release table`);
  return index;
}

function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ",") {
      row.push(cell);
      cell = "";
    } else if (ch === "\n") {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = "";
    } else if (ch !== "\r") cell += ch;
  }
  if (cell !== "" || row.length > 0) rows.push([...row, cell]);
  return rows;
}
