// The backup cleanup shared by the CLI and the daily job: read the backups, judge them, delete (only in delete mode).
import type { BackupStore } from "./adapters/git/backups.ts";
import {
  describeBackupVerdicts,
  judgeBackups,
  type BackupPolicy,
  type BackupVerdict,
} from "./domain/backup-cleanup.ts";

export interface BackupCleanupReport {
  readonly verdicts: readonly BackupVerdict[];
  readonly deleted: readonly string[];
  /** Backups judged deletable whose deletion the remote refused (moved since read), with git's reason. */
  readonly refused: ReadonlyMap<string, string>;
  /** One line per backup: deleted, would delete (dry-run), kept and why. */
  readonly lines: readonly string[];
}

export async function cleanupBackups(
  store: BackupStore,
  policy: BackupPolicy,
  now: Date,
): Promise<BackupCleanupReport> {
  const verdicts = judgeBackups(await store.read(), policy, now);
  const deleted: string[] = [];
  const refused = new Map<string, string>();
  if (policy.cleanup === "delete") {
    for (const verdict of verdicts) {
      if (verdict.action !== "delete") continue;
      const result = await store.delete(verdict.ref, verdict.sha);
      if (result.status === "deleted") deleted.push(result.ref);
      else refused.set(result.ref, result.message);
    }
  }
  const lines = describeBackupVerdicts(verdicts, policy.cleanup, new Set(deleted), refused);
  return { verdicts, deleted, refused, lines };
}
