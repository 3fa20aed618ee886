// One bounded `git ls-remote` of a URL or remote: what a pull request's reader (or the push remote) would see.
import { execFile } from "node:child_process";
import { parseLsRemote, type RemoteRef } from "../../domain/push-check.ts";
import { acquireGitSlot } from "./limits.ts";
import { buildGitEnv } from "./git-env.ts";

export interface LsRemoteOptions {
  /** Kills git after this long (default 30 s): a dead server never hangs the command. */
  readonly timeoutMs?: number;
  readonly env?: Readonly<Record<string, string>>;
  readonly onSpawn?: (argv: readonly string[]) => void;
  /** Kills git when aborted (the caller failed for another reason and will not read the answer). */
  readonly signal?: AbortSignal;
}

export type LsRemoteResult =
  { readonly ok: true; readonly refs: RemoteRef[] } | { readonly ok: false; readonly error: string };

export const DEFAULT_LS_REMOTE_TIMEOUT_MS = 30_000;

/** `git ls-remote -- <where>` in `dir` (the URL after --end-of-options, never prompting, ext:: transport off). */
export function lsRemote(dir: string, where: string, options: LsRemoteOptions = {}): Promise<LsRemoteResult> {
  if (where.startsWith("-") || /[\s\u0000-\u001f\u007f]/.test(where))
    return Promise.resolve({ ok: false, error: `${JSON.stringify(where)} is not a URL or remote name` });
  const timeout = options.timeoutMs ?? DEFAULT_LS_REMOTE_TIMEOUT_MS;
  const args = ["-c", "protocol.ext.allow=never", "ls-remote", "--end-of-options", where];
  // One of the app's git processes like any other: it waits for a slot under MERGE_WINDOW_GIT_PROCESSES.
  return acquireGitSlot().then((release) => {
    options.onSpawn?.(args);
    return new Promise<LsRemoteResult>((resolve) => {
      execFile(
        "git",
        args,
        {
          cwd: dir,
          env: buildGitEnv(options.env),
          timeout,
          killSignal: "SIGKILL",
          maxBuffer: 256 * 1024 * 1024,
          ...(options.signal ? { signal: options.signal } : {}),
        },
        (error, stdout, stderr) => {
          release();
          if (error === null) return resolve({ ok: true, refs: parseLsRemote(stdout) });
          const reason = error.killed
            ? `no answer within ${Math.round(timeout / 1000)} s`
            : (stderr.split("\n").find((line) => line.startsWith("fatal:")) ??
              stderr.trim().split("\n")[0] ??
              error.message);
          resolve({ ok: false, error: `git ls-remote ${where}: ${reason}` });
        },
      );
    });
  });
}
