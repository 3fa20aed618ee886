// The real merge-window app as a child process of a crash test: it serves webhooks or runs the scheduled jobs once,
// and a MERGE_WINDOW_TEST_KILL_AFTER step in its environment SIGKILLs it there. Its state lives in the forge and git.
import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import { createInterface } from "node:readline";
import { createNodeMiddleware, Probot, ProbotOctokit } from "probot";
import { createManualClock } from "../../src/adapters/clock.ts";
import { createMergeWindowApp } from "../../src/app/probot-app.ts";
import type { Runtime } from "../../src/app/runtime.ts";

/** What the parent writes to the file named by the first argument. */
export interface CrashAppSpec {
  readonly baseUrl: string;
  readonly app: {
    readonly id: number;
    readonly slug: string;
    readonly privateKey: string;
    readonly webhookSecret: string;
  };
  readonly gitBaseUrl: string;
  readonly cacheDir: string;
  /** The app's clock (ISO). */
  readonly now: string;
  /** `serve`: prints `{"webhookUrl"}`, exits once idle after a line on stdin; `tick`: the jobs once, then exits. */
  readonly mode: "serve" | "tick";
}

type Logger = NonNullable<NonNullable<ConstructorParameters<typeof Probot>[0]>["log"]>;

const spec = JSON.parse(readFileSync(process.argv[2]!, "utf8")) as CrashAppSpec;
const line =
  (level: string) =>
  (...args: unknown[]) =>
    void process.stderr.write(`${level}: ${String(args.at(-1))}\n`);
const logger = {
  level: "info",
  trace() {},
  debug() {},
  info: line("info"),
  warn: line("warn"),
  error: line("error"),
  fatal: line("fatal"),
  child: () => logger,
};
const probot = new Probot({
  appId: spec.app.id,
  privateKey: spec.app.privateKey,
  secret: spec.app.webhookSecret,
  baseUrl: spec.baseUrl,
  log: logger as unknown as Logger,
  Octokit: ProbotOctokit.defaults((options: Record<string, unknown>) => ({
    ...options,
    retry: { enabled: false },
    throttle: { enabled: false },
  })),
});
let runtime: Runtime | undefined;
const appFn = createMergeWindowApp({
  cacheDir: spec.cacheDir,
  gitBaseUrl: spec.gitBaseUrl,
  clock: createManualClock(spec.now),
  schedule: false,
  onRuntime: (built) => (runtime = built),
});
const middleware = await createNodeMiddleware(appFn, { probot });
// As the app does at start (GET /app, then its installations): the forge's clock is not this machine's, and the
// app's JWT learns the skew on these reads (octokit's auth-app retries a first token request without the base URL).
const appOctokit = await probot.auth();
await appOctokit.request("GET /app");
for (const installation of await appOctokit.paginate("GET /app/installations", { per_page: 100 }))
  await (await probot.auth(installation.id)).paginate("GET /installation/repositories", { per_page: 100 });
if (spec.mode === "tick") {
  await runtime!.runJob("poll-upstream");
  await runtime!.runJob("reconcile");
  await runtime!.idle();
  process.exit(0);
}
const server = createServer((req, res) => void middleware(req, res));
await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
const { port } = server.address() as { port: number };
process.stdout.write(`${JSON.stringify({ webhookUrl: `http://127.0.0.1:${port}/api/github/webhooks` })}\n`);
// The parent writes a line once the forge has its 2xx: the queued work then runs to its end, or to the kill.
for await (const _line of createInterface({ input: process.stdin })) break;
await runtime!.idle();
process.exit(0);
