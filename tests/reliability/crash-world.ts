// Crash tests' harness: the replay's forge and git stay in this process; the app runs as a child (crash-app.ts) that
// a MERGE_WINDOW_TEST_KILL_AFTER step SIGKILLs, then a fresh child is started on the same cache, as after a reboot.
import { spawn } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import type { KillStep } from "../../src/adapters/kill-point.ts";
import type { DeliveryRecord } from "../../src/sandbox/forge/index.ts";
import type { Replay } from "../../src/sandbox/replay.ts";
import type { CrashAppSpec } from "./crash-app.ts";

const CRASH_APP = fileURLToPath(new URL("./crash-app.ts", import.meta.url));
// The app runs as one process on its embedded default: no Redis shared with other tests or earlier runs.
const DROPPED = /^(EDITOR|VISUAL|PAGER|GIT_.*|MERGE_WINDOW_TEST_KILL_AFTER|REDIS_URL|MERGE_WINDOW_REDIS_PREFIX)$/;

export interface ChildRun {
  /** `SIGKILL` when the kill point fired. */
  readonly signal: NodeJS.Signals | null;
  readonly code: number | null;
  /** The deliveries the child acknowledged (serve). */
  readonly delivered: readonly DeliveryRecord[];
  readonly log: string;
}

let runs = 0;

/**
 * Runs the app in a child at `now`: `serve` takes every webhook the forge has queued (each acknowledged before
 * the work runs), `tick` runs the hourly reconcile. `killAfter` names the step where the child kills itself.
 */
export async function runAppChild(
  replay: Replay,
  options: { mode: CrashAppSpec["mode"]; now: string; killAfter?: KillStep },
): Promise<ChildRun> {
  const { forge } = replay;
  replay.at(options.now);
  const tmp = join(replay.root, "crash-tmp");
  mkdirSync(tmp, { recursive: true });
  const spec: CrashAppSpec = {
    baseUrl: forge.baseUrl,
    app: forge.app,
    gitBaseUrl: replay.appGitBaseUrl,
    cacheDir: join(replay.root, "crash-cache"),
    now: options.now,
    mode: options.mode,
  };
  const specFile = join(tmp, `spec-${++runs}.json`);
  writeFileSync(specFile, JSON.stringify(spec));
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !DROPPED.test(name)));
  // A worktree a kill leaves behind lands in the replay's temp dir, removed with it.
  Object.assign(env, { TMPDIR: tmp }, options.killAfter ? { MERGE_WINDOW_TEST_KILL_AFTER: options.killAfter } : {});
  const child = spawn(process.execPath, ["--import", "tsx", CRASH_APP, specFile], {
    env,
    stdio: ["pipe", "pipe", "pipe"],
  });
  let log = "";
  child.stderr.on("data", (chunk: Buffer) => (log += chunk.toString()));
  child.stdin.on("error", () => {}); // the child may be dead (killed) before it reads
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on("exit", (code, signal) => resolve({ code, signal })),
  );
  let delivered: DeliveryRecord[] = [];
  if (options.mode === "serve") {
    const lines = createInterface({ input: child.stdout });
    const first = await Promise.race([
      (async () => {
        for await (const line of lines) return line;
        return null;
      })(),
      exited.then(() => null),
    ]);
    if (first === null) throw new Error(`crash app did not start:\n${log}`);
    forge.setWebhookUrl((JSON.parse(first) as { webhookUrl: string }).webhookUrl);
    delivered = await forge.deliver();
    child.stdin.end("go\n");
  }
  const { code, signal } = await exited;
  if (signal === null && code !== 0) throw new Error(`crash app exited with ${code}:\n${log}`);
  return { signal, code, delivered, log };
}
