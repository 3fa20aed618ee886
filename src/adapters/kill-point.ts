// Test-only crash points: with MERGE_WINDOW_TEST_KILL_AFTER=<step> the process SIGKILLs itself at that named step.
// Inert unless the variable is set; the crash tests (tests/reliability/s05, s22) kill the app at each step with it.

/** The steps a crash test can stop the app after (README: Reliability). */
export type KillStep =
  | "rebase:after-local-rebase"
  | "rebase:after-backup"
  | "rebase:after-push"
  | "stable:after-push"
  | "delete-tag:after-note"
  | "delete-tag:after-delete"
  | `effect:${string}`;

/** Kills this process, as a power cut or the OOM killer would, when the crash test named this step. */
export function killPoint(step: KillStep): void {
  if (process.env.MERGE_WINDOW_TEST_KILL_AFTER === step) process.kill(process.pid, "SIGKILL");
}
