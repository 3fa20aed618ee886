// The world of the app's end-to-end tests: the real Probot app over real git (a kernel-like upstream, the subsystem's
// bare "GitHub" origin) and GitHub's REST API in nock (api-world.ts); webhooks go in through probot.receive().
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { generateKeyPairSync, randomUUID } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createNodeMiddleware, Probot, ProbotOctokit } from "probot";
import { parse, stringify } from "yaml";
import { createManualClock, type ManualClock } from "../../src/adapters/clock.ts";
import { buildGitEnv } from "../../src/adapters/git/runner.ts";
import type { Runtime } from "../../src/app/runtime.ts";
import { createMergeWindowApp } from "../../src/app/probot-app.ts";
import {
  addBareRemote,
  buildKernelScenario,
  buildReleaseTags,
  extendUpstream,
  PAUL,
  readKernelReleases,
  type KernelScenario,
  type ScenarioStage,
} from "../fixtures/kernel-repo.ts";
import { ApiWorld } from "./api-world.ts";
import type { PayloadTarget } from "./payload-world.ts";

export const OWNER = "selinuxproject";
export const REPO = "selinux-kernel";
export const INSTALLATION_ID = 4242;
export const SECRET = "merge-window-test-secret";

export interface AppWorldOptions {
  readonly stage: ScenarioStage;
  /** The app's clock. */
  readonly now: string;
  /** More upstream release tags before the app starts, `[from, to]` (e.g. `["v6.8-rc7", "v6.8"]`). */
  readonly upstreamTags?: readonly [string, string];
  /** Tags the fixture made that are not on the origin yet (pushed by the test). */
  readonly unpushedTags?: readonly string[];
  /** Collaborators' roles (`write`, `maintain`, `read`…); everyone else is not a collaborator. */
  readonly permissions?: Readonly<Record<string, string>>;
  /** Load the app through createNodeMiddleware (webhooks over HTTP) instead of probot.load. */
  readonly middleware?: boolean;
}

export interface AppWorld extends PayloadTarget {
  readonly dir: string;
  readonly scenario: KernelScenario;
  readonly api: ApiWorld;
  readonly clock: ManualClock;
  readonly runtime: Runtime;
  /** The bare repository the app clones and pushes to ("GitHub"). */
  readonly originDir: string;
  /** Lines logged (info and above), `name level: message`; the app's own are named `probot`. */
  readonly logs: string[];
  readonly middleware: ((req: IncomingMessage, res: ServerResponse) => unknown) | null;
  /** Hands a webhook to Probot and waits until the queued run is over. */
  deliver(name: string, payload: Record<string, any>, id?: string): Promise<void>;
  /** Linus tags more releases, `from`..`to` (the upstream repository changes; the app notices on its own). */
  releaseUpstream(from: string, to: string): void;
  /** Lets the app write anything and runs `reconcile`: the world as the app leaves it after a routine tick. */
  settle(): Promise<void>;
  /** Pushes a fixture tag to the origin; returns the tag object's id (what GitHub's push event calls `after`). */
  pushTag(name: string): string;
  /** git in a fixture repository, with a GIT_*-free environment. */
  git(dir: string, args: readonly string[], input?: string): string;
  /** Every expected request came and nothing else, and no run or effect failed. */
  assertDone(): void;
  close(): void;
}

/**
 * `file://localhost/abs/path`: the config schema wants a URL with a scheme for upstream; git reads it as `/abs/path`.
 */
export function fileUrl(path: string): string {
  return `file://localhost${path}`;
}

let appKey: string | undefined;
/** One throwaway RSA key per test process: the app's JWTs are signed with it (GitHub, here nock, never checks). */
function readAppKey(): string {
  appKey ??= generateKeyPairSync("rsa", { modulusLength: 2048 })
    .privateKey.export({ type: "pkcs1", format: "pem" })
    .toString();
  return appKey;
}

type Logger = NonNullable<NonNullable<ConstructorParameters<typeof Probot>[0]>["log"]>;

/**
 * A pino-shaped logger that keeps `name level: message` lines (Probot names its children: probot, github, octokit…).
 */
function createTestLogger(lines: string[], name = ""): Logger {
  const keep =
    (level: string) =>
    (...args: unknown[]) => {
      const err = (args[0] as { err?: Error } | null)?.err;
      lines.push(`${name} ${level}: ${String(args.at(-1))}${err ? ` ${err.stack ?? err.message}` : ""}`);
    };
  const logger = {
    level: "info",
    trace() {},
    debug() {},
    info: keep("info"),
    warn: keep("warn"),
    error: keep("error"),
    fatal: keep("fatal"),
    child: (bindings: { name?: string }) => createTestLogger(lines, bindings.name ?? name),
  };
  return logger as unknown as Logger;
}

/** A real Probot with retries and throttling off (each request reaches nock once, as sent); its log goes to `lines`. */
export function createTestProbot(lines: string[] = []): Probot {
  return new Probot({
    appId: 1,
    privateKey: readAppKey(),
    secret: SECRET,
    log: createTestLogger(lines),
    Octokit: ProbotOctokit.defaults((options: Record<string, unknown>) => ({
      ...options,
      retry: { enabled: false },
      throttle: { enabled: false },
    })),
  });
}

/** Builds the repositories, the API and the app at `options.now`. Close it in `t.after`. */
export async function openAppWorld(options: AppWorldOptions): Promise<AppWorld> {
  const dir = mkdtempSync(join(tmpdir(), "mw-app-"));
  const closers: (() => void)[] = [() => rmSync(dir, { recursive: true, force: true })];
  const close = () => {
    for (const closer of closers.splice(0).reverse()) closer();
  };
  try {
    return await buildWorld(dir, options, closers, close);
  } catch (error) {
    close();
    throw error;
  }
}

async function buildWorld(
  dir: string,
  options: AppWorldOptions,
  closers: (() => void)[],
  close: () => void,
): Promise<AppWorld> {
  const git = (cwd: string, args: readonly string[], input?: string) =>
    execFileSync("git", args, { cwd, env: buildGitEnv(), input: input ?? "", encoding: "utf8" }).trim();
  const scenario = buildKernelScenario(dir, { stage: options.stage });
  closers.push(() => scenario.close());
  let upstream = scenario.upstream;
  const releaseUpstream = (from: string, to: string) => {
    upstream = extendUpstream(upstream, { releases: buildReleaseTags(readKernelReleases(), { from, to }) });
  };
  if (options.upstreamTags) releaseUpstream(...options.upstreamTags);
  const originDir = join(dir, "forge", OWNER, `${REPO}.git`);
  mkdirSync(join(dir, "forge", OWNER), { recursive: true });
  addBareRemote(scenario.subsystem.dir, originDir);
  for (const tag of options.unpushedTags ?? []) git(originDir, ["update-ref", "-d", `refs/tags/${tag}`]);

  const config = parse(readFileSync(new URL("../../config/selinux.yml", import.meta.url), "utf8")) as Record<
    string,
    any
  >;
  config.upstream.url = fileUrl(scenario.upstream.dir);
  config.signing.allowedSigners = [scenario.gpgKey.fingerprint];
  const api = new ApiWorld({
    owner: OWNER,
    repo: REPO,
    installationId: INSTALLATION_ID,
    files: new Map([[".github/merge-window.yml", stringify(config)]]),
    issues: [],
    comments: new Map(),
    checkRuns: [],
    labels: new Set(),
    permissions: new Map(Object.entries(options.permissions ?? {})),
  });
  closers.push(() => api.close());

  const clock = createManualClock(options.now);
  const logs: string[] = [];
  const probot = createTestProbot(logs);
  let runtime: Runtime | undefined;
  const appFn = createMergeWindowApp({
    cacheDir: join(dir, "cache"),
    gitBaseUrl: fileUrl(join(dir, "forge")),
    clock,
    gnupgHome: scenario.gpgKey.gnupgHome,
    schedule: false,
    onRuntime: (built) => (runtime = built),
  });
  const middleware = options.middleware
    ? await createNodeMiddleware(appFn, { probot })
    : (await probot.load(appFn), null);
  if (!runtime) throw new Error("the app did not hand out its runtime");
  const app = runtime;

  return {
    owner: OWNER,
    repo: REPO,
    installationId: INSTALLATION_ID,
    dir,
    scenario,
    api,
    clock,
    runtime: app,
    originDir,
    logs,
    middleware,
    async deliver(name, payload, id = randomUUID()) {
      await probot.receive({ id, name, payload } as Parameters<Probot["receive"]>[0]);
      await app.idle();
    },
    releaseUpstream,
    async settle() {
      api.allowAnyWrites();
      await app.runJob("reconcile");
      await app.idle();
      assertNoFailure(logs);
    },
    pushTag(name) {
      git(scenario.subsystem.dir, ["push", "-q", "origin", "--end-of-options", `refs/tags/${name}:refs/tags/${name}`]);
      return git(originDir, ["rev-parse", "--verify", "--end-of-options", `refs/tags/${name}`]);
    },
    git,
    assertDone() {
      api.assertDone();
      assertNoFailure(logs);
    },
    close,
  };
}

/** The app logged no failed run (the queue's "run failed") and no failed effect ("failed to …"). */
function assertNoFailure(logs: readonly string[]): void {
  const app = logs.filter((line) => line.startsWith("probot "));
  assert.deepEqual(
    app.filter((line) => / (error|fatal): |failed/.test(line)),
    [],
    "a run or an effect failed",
  );
}

/**
 * A tag the fixture did not make, in its work tree only (push it with pushTag): annotated, unsigned, by Paul, at
 * `date`.
 */
export function addUnsignedTag(
  world: AppWorld,
  input: { name: string; at: string; date: Date; message: string },
): void {
  const repo = world.scenario.subsystem.dir;
  const commit = world.git(repo, ["rev-parse", "--verify", "--end-of-options", `${input.at}^{commit}`]);
  const seconds = Math.floor(input.date.getTime() / 1000);
  const object = world.git(
    repo,
    ["mktag"],
    `object ${commit}\ntype commit\ntag ${input.name}\ntagger ${PAUL.name} <${PAUL.email}> ${seconds} +0000\n` +
      `\n${input.message}\n`,
  );
  world.git(repo, ["update-ref", `refs/tags/${input.name}`, object]);
}
