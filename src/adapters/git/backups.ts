// The remote's backup refs (with whether a branch or tag holds each commit), and their deletion under a lease.
import type { BackupFact } from "../../domain/backup-cleanup.ts";
import { isSafeRefName } from "../../domain/names.ts";
import { assertObjectId, assertRemoteName } from "./inputs.ts";
import { pushWithLeases } from "./push.ts";
import { BACKUP_PREFIX, NAMESPACE, readRefRecords, readRefsContaining } from "./refs.ts";
import { createGitRunner, type GitRunner } from "./runner.ts";

/** Where the cleanup mirrors the remote's branches, tags and backups (a private namespace of this clone). */
const MIRROR = `${NAMESPACE}/cleanup/`;

export type BackupDeletion =
  | { readonly status: "deleted"; readonly ref: string }
  | { readonly status: "refused"; readonly ref: string; readonly message: string };

export interface BackupStore {
  /** Fetches the remote's branches, tags and backups into the mirror; one fact per backup. */
  read(): Promise<BackupFact[]>;
  /** Deletes `ref` on the remote only while it still points at `sha` (one push per backup). */
  delete(ref: string, sha: string): Promise<BackupDeletion>;
}

export interface BackupStoreOptions {
  /** A clone (may be bare) whose `remote` holds the backups. */
  readonly repoDir: string;
  /** Default `origin`. */
  readonly remote?: string;
  /** Extra environment for git (no GIT_*). */
  readonly env?: Readonly<Record<string, string>>;
  /** The app's blobless mirror: fetch commits and trees only (a maintainer's full clone fetches as it is). */
  readonly blobless?: boolean;
}

export function createBackupStore(options: BackupStoreOptions): BackupStore {
  const remote = assertRemoteName(options.remote ?? "origin");
  const git = createGitRunner(options.repoDir, options.env ? { env: options.env } : {});
  return {
    read: () => readBackupFacts(git, remote, options.blobless ?? false),
    delete: (ref, sha) => deleteBackupRef(git, remote, ref, sha),
  };
}

async function readBackupFacts(git: GitRunner, remote: string, blobless: boolean): Promise<BackupFact[]> {
  await git.run([
    "fetch",
    "--quiet",
    "--prune",
    "--no-tags",
    ...(blobless ? ["--filter=blob:none"] : []),
    "--no-write-fetch-head",
    "--end-of-options",
    remote,
    `+refs/heads/*:${MIRROR}heads/*`,
    `+refs/tags/*:${MIRROR}tags/*`,
    `+${BACKUP_PREFIX}*:${MIRROR}backup/*`,
  ]);
  const records = await readRefRecords(git, [`${MIRROR}backup/`]);
  const facts: BackupFact[] = [];
  for (const record of records) {
    const ref = `${BACKUP_PREFIX}${record.ref.slice(`${MIRROR}backup/`.length)}`;
    // A backup that is not a commit (someone pushed a tag object or a tree there) is never "held" by another ref.
    const holders = record.commit
      ? await readRefsContaining(git, record.commit, [`${MIRROR}heads/`, `${MIRROR}tags/`])
      : [];
    facts.push({ ref, sha: record.object, reachable: holders.length > 0 });
  }
  return facts;
}

async function deleteBackupRef(git: GitRunner, remote: string, ref: string, sha: string): Promise<BackupDeletion> {
  // Only a backup, and only a name that passes the allowlist every name passes before git.
  if (!ref.startsWith(BACKUP_PREFIX) || !isSafeRefName(ref.slice(BACKUP_PREFIX.length)))
    return { status: "refused", ref, message: `${JSON.stringify(ref)} is not a backup ref merge-window deletes` };
  const expect = assertObjectId(sha, `object of ${ref}`);
  const pushed = await pushWithLeases(git, remote, [{ sha: null, lease: { ref, expect } }]);
  // ok: the server deleted it (said so, or a re-read after an unclear failure found it gone).
  if (pushed.ok) return { status: "deleted", ref };
  const why = pushed.failure ?? pushed.output.trim().split("\n").at(-1) ?? "";
  return { status: "refused", ref, message: `it changed since it was read, or the push failed: ${why}` };
}
