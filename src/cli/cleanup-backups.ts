// `merge-window cleanup-backups [--delete]`: the backup cleanup on the push remote of a local clone.
import { createBackupStore } from "../adapters/git/backups.ts";
import { cleanupBackups } from "../cleanup-backups.ts";
import { parseAtOption, type CommandArgs } from "./args.ts";
import type { CliIo } from "./io.ts";
import { openSession } from "./session.ts";

export async function runCleanupBackups(args: CommandArgs, io: CliIo): Promise<number> {
  const now = args.values.at === undefined ? io.now() : parseAtOption(args.values.at);
  const session = await openSession(args.values, io, undefined, { upstream: false });
  const { backups } = session.config;
  const policy = { ...backups, cleanup: args.values.delete ? ("delete" as const) : backups.cleanup };
  const store = createBackupStore({
    repoDir: session.repo.dir,
    remote: session.remote,
    ...(io.env ? { env: io.env } : {}),
  });
  const report = await cleanupBackups(store, policy, now);
  if (args.values.json) {
    const json = { mode: policy.cleanup, ...report, refused: Object.fromEntries(report.refused) };
    io.stdout(`${JSON.stringify(json, null, 2)}\n`);
  } else io.stdout(`${report.lines.join("\n")}\n`);
  return report.refused.size > 0 ? 1 : 0;
}
