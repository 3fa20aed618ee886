// SIGTERM: stop taking webhooks and jobs, let running runs finish for a bounded time, close Redis, exit 0.
import type { Server } from "node:http";

/** How long running runs may take to finish after SIGTERM (MERGE_WINDOW_DRAIN_SECONDS, default 30). */
export const DEFAULT_DRAIN_MS = 30_000;

export function readDrainMs(env: NodeJS.ProcessEnv): number {
  const value = env.MERGE_WINDOW_DRAIN_SECONDS;
  if (value === undefined || value === "") return DEFAULT_DRAIN_MS;
  if (!/^[0-9]{1,5}$/.test(value))
    throw new Error(`MERGE_WINDOW_DRAIN_SECONDS=${JSON.stringify(value)}: expected a whole number of seconds`);
  return Number(value) * 1000;
}

export interface DrainSteps {
  readonly server: Server;
  /** Stops the schedule and the queue's worker; resolves once this instance's running runs finished. */
  readonly stopRuns: () => Promise<void>;
  /** Closes the connections (Redis) once runs finished or the drain time ran out. */
  readonly close: () => Promise<void>;
  readonly log: (line: string) => void;
  /** Called first: readiness says the instance is going away. */
  readonly onDraining?: () => void;
}

/**
 * Drains once: the HTTP server stops accepting connections, runs get `limitMs` to finish. Runs still going then
 * are left to their locks: they expire and another instance takes the runs over. Resolves with the exit code.
 */
export async function drain(steps: DrainSteps, limitMs: number): Promise<number> {
  steps.onDraining?.();
  steps.log(`SIGTERM: no new webhooks or runs here; waiting up to ${limitMs / 1000} s for running runs`);
  const serverClosed = new Promise<void>((done) => steps.server.close(() => done()));
  steps.server.closeIdleConnections();
  let timer: NodeJS.Timeout | undefined;
  const outcome = await Promise.race([
    steps.stopRuns().then(
      () => "finished" as const,
      (error: unknown) => {
        steps.log(`SIGTERM: stopping runs failed: ${error instanceof Error ? error.message : String(error)}`);
        return "failed" as const;
      },
    ),
    new Promise<"timeout">((done) => (timer = setTimeout(() => done("timeout"), limitMs))),
  ]);
  clearTimeout(timer);
  if (outcome === "timeout")
    steps.log(
      `SIGTERM: runs still going after ${limitMs / 1000} s: their locks expire and another instance takes them over`,
    );
  else steps.log("SIGTERM: running runs finished");
  steps.server.closeAllConnections();
  await Promise.race([serverClosed, new Promise((done) => setTimeout(done, 1_000).unref())]);
  await steps.close().catch(() => {});
  steps.log("SIGTERM: stopped");
  return 0;
}
