// Which backup refs the cleanup may delete: old enough by the policy and reachable from another ref; pure.
import { DAY_MS } from "./time.ts";

/** `cleanup: dry-run` lists what would go; `delete` deletes it. */
export type BackupCleanupMode = "dry-run" | "delete";

export interface BackupPolicy {
  /** A backup is old enough to delete this many days after its stamp. */
  readonly deleteAfterDays: number;
  readonly cleanup: BackupCleanupMode;
}

/** One backup ref on the remote, as git reported it. */
export interface BackupFact {
  /** The full ref, `refs/merge-window/backup/<branch>-<YYYYMMDDTHHMMSSZ>-<12 hex>`. */
  readonly ref: string;
  readonly sha: string;
  /** True when a branch or tag of the remote (not a backup) contains the commit. */
  readonly reachable: boolean;
}

export type BackupVerdict =
  | { readonly ref: string; readonly sha: string; readonly action: "delete"; readonly reason: string }
  | { readonly ref: string; readonly sha: string; readonly action: "keep"; readonly reason: string };

const BACKUP_NAME =
  /^refs\/merge-window\/backup\/([A-Za-z0-9._/-]+)-(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z-([0-9a-f]{12})$/;

/** The UTC moment in a backup ref's name; null when the name is not `<branch>-<YYYYMMDDTHHMMSSZ>-<12 hex>`. */
export function parseBackupStamp(ref: string): Date | null {
  const match = BACKUP_NAME.exec(ref);
  if (!match) return null;
  const [year, month, day, hour, minute, second] = match.slice(2, 8).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const at = new Date(Date.UTC(year, month - 1, day, hour, minute, second));
  // 20260230T… is not a moment: Date.UTC would roll it over into March.
  const real =
    at.getUTCFullYear() === year &&
    at.getUTCMonth() === month - 1 &&
    at.getUTCDate() === day &&
    at.getUTCHours() === hour &&
    at.getUTCMinutes() === minute &&
    at.getUTCSeconds() === second;
  return real ? at : null;
}

/**
 * Judges every backup: delete only when its stamp parses, it is at least `deleteAfterDays` old at `now`, and
 * another ref still holds its commit. Every other backup is kept, with the reason. The mode does not change the
 * verdicts: dry-run reports the same list and deletes nothing.
 */
export function judgeBackups(facts: readonly BackupFact[], policy: BackupPolicy, now: Date): BackupVerdict[] {
  return facts.map(({ ref, sha, reachable }): BackupVerdict => {
    const stamp = parseBackupStamp(ref);
    if (stamp === null)
      return { ref, sha, action: "keep", reason: "its name has no <YYYYMMDDTHHMMSSZ> stamp merge-window can read" };
    const ageMs = now.getTime() - stamp.getTime();
    if (ageMs < 0) return { ref, sha, action: "keep", reason: `its stamp ${stamp.toISOString()} is in the future` };
    const days = Math.floor(ageMs / DAY_MS);
    if (ageMs < policy.deleteAfterDays * DAY_MS)
      return { ref, sha, action: "keep", reason: `${days} days old; kept for ${policy.deleteAfterDays} days` };
    if (!reachable)
      return { ref, sha, action: "keep", reason: `${days} days old, but no branch or tag holds ${sha.slice(0, 12)}` };
    return {
      ref,
      sha,
      action: "delete",
      reason: `${days} days old (over ${policy.deleteAfterDays}), and a branch or tag holds ${sha.slice(0, 12)}`,
    };
  });
}

/** The report of one cleanup, for a log line or the CLI: one line per backup. */
export function describeBackupVerdicts(
  verdicts: readonly BackupVerdict[],
  mode: BackupCleanupMode,
  deleted: ReadonlySet<string> = new Set(),
  refused: ReadonlyMap<string, string> = new Map(),
): string[] {
  if (verdicts.length === 0) return ["no backup refs"];
  return verdicts.map((verdict) => {
    if (verdict.action === "keep") return `keep ${verdict.ref}: ${verdict.reason}`;
    if (mode === "dry-run") return `would delete ${verdict.ref}: ${verdict.reason} (dry-run)`;
    if (deleted.has(verdict.ref)) return `deleted ${verdict.ref}: ${verdict.reason}`;
    return `not deleted ${verdict.ref}: ${refused.get(verdict.ref) ?? "the push did not delete it"}`;
  });
}
