// The real merge-window app for a replay: a Probot instance against the forge, its webhook middleware in our own
// node:http server (Probot's server cannot listen on port 0), and the runtime it hands out.
import { createServer, type Server } from "node:http";
import { createNodeMiddleware, Probot, ProbotOctokit } from "probot";
import type { ManualClock } from "../adapters/clock.ts";
import type { Runtime } from "../app/runtime.ts";
import { createMergeWindowApp } from "../app/probot-app.ts";
import type { Forge } from "./forge/index.ts";

type Logger = NonNullable<NonNullable<ConstructorParameters<typeof Probot>[0]>["log"]>;

export interface AppLogLine {
  readonly level: "info" | "warn" | "error" | "fatal";
  /** Probot's logger name (`probot` for the app's own lines, `octokit`, `github`, …). */
  readonly name: string;
  readonly message: string;
}

export interface ReplayAppOptions {
  readonly forge: Forge;
  readonly clock: ManualClock;
  readonly cacheDir: string;
  /** Where the app clones and pushes (the forge, or a proxy in front of its git). */
  readonly gitBaseUrl: string;
  /** A GnuPG home with the maintainers' public keys. */
  readonly gnupgHome?: string;
  readonly onLog?: (line: AppLogLine) => void;
  /** Where rate-limited runs wait (see AppOptions.defer). */
  readonly defer?: (ms: number, job: () => void) => void;
}

export interface ReplayApp {
  readonly runtime: Runtime;
  /** Where the forge POSTs webhooks. */
  readonly webhookUrl: string;
  readonly logs: readonly AppLogLine[];
  /** Waits for queued work, then stops the webhook server. */
  close(): Promise<void>;
}

/** A pino-shaped logger keeping every line at info and above (Probot names its children: probot, octokit…). */
function createLineLogger(sink: (line: AppLogLine) => void, name = "probot"): Logger {
  const keep =
    (level: AppLogLine["level"]) =>
    (...args: unknown[]) => {
      const first = args[0] as { err?: Error } | string | null;
      const err = typeof first === "object" && first !== null ? first.err : undefined;
      const message = String(args.at(-1));
      sink({ level, name, message: err ? `${message}: ${err.stack ?? err.message}` : message });
    };
  const logger = {
    level: "info",
    trace() {},
    debug() {},
    info: keep("info"),
    warn: keep("warn"),
    error: keep("error"),
    fatal: keep("fatal"),
    child: (bindings: { name?: string }) => createLineLogger(sink, bindings.name ?? name),
  };
  return logger as unknown as Logger;
}

/** Starts the app: Probot with retries and throttling off (each request reaches the forge once, as sent). */
export async function startReplayApp(options: ReplayAppOptions): Promise<ReplayApp> {
  const { forge } = options;
  const logs: AppLogLine[] = [];
  const probot = new Probot({
    appId: forge.app.id,
    privateKey: forge.app.privateKey,
    secret: forge.app.webhookSecret,
    baseUrl: forge.baseUrl,
    log: createLineLogger((line) => {
      logs.push(line);
      options.onLog?.(line);
    }),
    Octokit: ProbotOctokit.defaults((octokitOptions: Record<string, unknown>) => ({
      ...octokitOptions,
      retry: { enabled: false },
      throttle: { enabled: false },
    })),
  });
  let runtime: Runtime | undefined;
  const appFn = createMergeWindowApp({
    cacheDir: options.cacheDir,
    gitBaseUrl: options.gitBaseUrl,
    clock: options.clock,
    schedule: false,
    ...(options.gnupgHome ? { gnupgHome: options.gnupgHome } : {}),
    ...(options.defer ? { defer: options.defer } : {}),
    onRuntime: (built) => (runtime = built),
  });
  const middleware = await createNodeMiddleware(appFn, { probot });
  if (!runtime) throw new Error("replay: the app did not hand out its runtime");
  const server: Server = createServer((req, res) => void middleware(req, res));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  const ready = runtime;
  return {
    runtime: ready,
    webhookUrl: `http://127.0.0.1:${port}/api/github/webhooks`,
    logs,
    async close() {
      await ready.idle();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
