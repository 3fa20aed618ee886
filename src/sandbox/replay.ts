// The replay harness: in a temp dir, the forge on a manual clock, Linus' upstream, the subsystem repository with
// its history up to v6.8-rc1, its people, and the REAL merge-window app receiving the forge's signed webhooks.
// The timeline is then driven step by step (scenario-cycle.ts): set the clock, tag upstream, run scheduled jobs,
// act as the maintainer, deliver webhooks, wait for the app.
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createManualClock, type ManualClock } from "../adapters/clock.ts";
import type { VariantId } from "../domain/process.ts";
import {
  createForge,
  signWebhookBody,
  type DeliverOptions,
  type DeliveryRecord,
  type Forge,
  type RequestLogEntry,
} from "./forge/index.ts";
import { startReplayApp, type AppLogLine, type ReplayApp } from "./replay-app.ts";
import { startGitProxy, type GitProxy } from "./replay-proxy.ts";
import type { ScenarioSigning } from "./scenario-config.ts";
import { createMaintainer, createUserClient, type Maintainer } from "./scenario-maintainer.ts";
import { PAUL } from "./scenario-people.ts";
import { buildPrehistory } from "./scenario-prehistory.ts";
import { createMaintainerSigning } from "./scenario-signing.ts";
import { buildReleaseTags, findReleaseTag, readKernelReleases, type ReleaseTag } from "./scenario-releases.ts";
import { parseGitTime } from "./scenario-time.ts";
import { createUpstream, type Upstream } from "./scenario-upstream.ts";
import type { Octokit } from "@octokit/rest";

export const OWNER = "maintainers";
export const REPO = "selinux";
/** The people of the replay and their roles on the repository. */
export const PEOPLE = {
  maintainer: { login: "pcmoore", role: "maintain" },
  contributor: { login: "omosnace", role: "write" },
  reader: { login: "lurker", role: "read" },
} as const;

export interface ReplayOptions {
  readonly variant: VariantId;
  /** How the maintainer signs (default gpg). */
  readonly signing?: "gpg" | "ssh";
  /** Routes the app's git through a proxy, so `beforeAppPush` can act while an app push is on its way. */
  readonly interceptAppPushes?: boolean;
  /** Every line the app logs. */
  readonly onLog?: (line: AppLogLine) => void;
  /** Where the app's rate-limited runs wait (default a real timer). */
  readonly defer?: (ms: number, job: () => void) => void;
  /** Keep the temp dir (the demo's `--keep`), also when building the replay fails. */
  readonly keep?: boolean;
  /** Weekly tests: config/merge-window-tests.yml on the default branch only, named in the config. */
  readonly testsWorkflow?: boolean;
}

export interface Replay {
  readonly variant: VariantId;
  readonly root: string;
  readonly forge: Forge;
  readonly clock: ManualClock;
  readonly upstream: Upstream;
  readonly maintainer: Maintainer;
  /** REST clients of the contributor (write) and the reader (read). */
  readonly contributor: Octokit;
  readonly reader: Octokit;
  /** Every upstream tag of the replay's release table, v6.7 … v6.8, with its instant. */
  readonly releases: readonly ReleaseTag[];
  readonly signing: ScenarioSigning;
  /** The running app (a new one after `restartApp`). */
  readonly app: ReplayApp;
  /** Where the app clones and pushes: the forge, or the proxy in front of its git. */
  readonly appGitBaseUrl: string;
  /** Sets the clock (the app's and the forge's). */
  at(instant: string | Date): void;
  /** Linus tags `tag` (at its instant from the table: the clock is set there first). */
  tagUpstream(tag: string, options?: { filler?: number }): Promise<void>;
  /** The scheduled upstream poll, then every webhook it caused. */
  poll(options?: DeliverOptions): Promise<DeliveryRecord[]>;
  /** The hourly reconcile (reminders, tag sweep, merges), then every webhook it caused. */
  tick(options?: DeliverOptions): Promise<DeliveryRecord[]>;
  /** Delivers queued webhooks and waits for the app, until nothing is queued. */
  settle(options?: DeliverOptions): Promise<DeliveryRecord[]>;
  /**
   * Sends past deliveries to the app again, in the order given, then settles: with their own delivery ids
   * (GitHub's "Redeliver") or with fresh ids (as if GitHub had sent each event once more).
   */
  resend(records: readonly DeliveryRecord[], options: { freshIds: boolean }): Promise<DeliveryRecord[]>;
  /** Runs `hook` before the app's next push that updates `ref` (needs `interceptAppPushes`). */
  beforeAppPush(ref: string, hook: () => Promise<void>): void;
  /** Stops the app and starts a brand-new instance (a fresh cache dir unless `sameCache`). */
  restartApp(options?: { sameCache?: boolean }): Promise<void>;
  /** The forge's request log entries made by the app (its JWT and its installation), REST and git. */
  appRequests(): RequestLogEntry[];
  close(): Promise<void>;
}

const QUIET_UNTIL = "2024-01-22T10:00:00Z";

/** Builds the world up to just after v6.8-rc1 (the clock at 2024-01-22 10:00 UTC) and starts the app. */
export async function createReplay(options: ReplayOptions): Promise<Replay> {
  const root = mkdtempSync(join(tmpdir(), "mw-replay-"));
  const cleanups: Cleanup[] = [() => (options.keep ? undefined : rmSync(root, { recursive: true, force: true }))];
  try {
    return await buildReplay(root, options, cleanups);
  } catch (error) {
    await runCleanups(cleanups);
    throw error;
  }
}

type Cleanup = () => Promise<void> | void;

/** Undoes what was built, newest first. */
async function runCleanups(cleanups: readonly Cleanup[]): Promise<void> {
  for (const cleanup of [...cleanups].reverse()) await cleanup();
}

async function buildReplay(root: string, options: ReplayOptions, cleanups: Cleanup[]): Promise<Replay> {
  const releases = buildReleaseTags(readKernelReleases(), { from: "v6.7", to: "v6.8" });
  const instantOf = (tag: string) => findReleaseTag(releases, tag);
  const clock = createManualClock("2024-01-01T00:00:00Z");
  const signing = createMaintainerSigning(join(root, "keys"), options.signing ?? "gpg", PAUL);
  cleanups.push(() => signing.close());
  const { appKeyring } = signing;

  const forge = await createForge({
    clock: () => clock.now(),
    ...(appKeyring ? { tagKeys: { gnupgHome: appKeyring } } : {}),
  });
  cleanups.push(() => forge.close());
  const tokens = Object.fromEntries(
    Object.values(PEOPLE).map((person) => [person.login, forge.createUser(person.login)]),
  ) as Record<string, string>;
  await forge.createRepo(OWNER, REPO, { defaultBranch: "main" });
  for (const person of Object.values(PEOPLE)) forge.setPermission(OWNER, REPO, person.login, person.role);

  const upstream = await createUpstream(join(root, "linux.git"), instantOf("v6.7"));
  const maintainer = await createMaintainer({
    dir: join(root, "maintainer.git"),
    person: PAUL,
    login: PEOPLE.maintainer.login,
    token: tokens[PEOPLE.maintainer.login]!,
    apiUrl: forge.baseUrl,
    cloneUrl: forge.gitUrl(OWNER, REPO),
    owner: OWNER,
    repo: REPO,
    upstreamDir: upstream.dir,
    key: signing.key,
  });
  await buildPrehistory({
    variant: options.variant,
    upstream,
    maintainer,
    clock,
    releases: { v67: instantOf("v6.7"), rc1: instantOf("v6.8-rc1") },
    signing: signing.signing,
    forgeUrl: forge.gitUrl(OWNER, REPO),
    testsWorkflow: options.testsWorkflow ?? false,
  });

  forge.installApp(OWNER, [REPO]);
  const proxy: GitProxy | null = options.interceptAppPushes ? await startGitProxy(forge.baseUrl) : null;
  if (proxy) cleanups.push(() => proxy.close());
  const startApp = (cacheDir: string) =>
    startReplayApp({
      forge,
      clock,
      cacheDir,
      gitBaseUrl: proxy?.url ?? forge.baseUrl,
      ...(appKeyring ? { gnupgHome: appKeyring } : {}),
      ...(options.onLog ? { onLog: options.onLog } : {}),
      ...(options.defer ? { defer: options.defer } : {}),
    });
  let caches = 0;
  const nextCache = () => join(root, `cache-${++caches}`);
  let cacheDir = nextCache();
  let app = await startApp(cacheDir);
  forge.setWebhookUrl(app.webhookUrl);
  clock.set(QUIET_UNTIL);

  const settle = async (deliverOptions: DeliverOptions = {}): Promise<DeliveryRecord[]> => {
    const sent: DeliveryRecord[] = [];
    await app.runtime.idle();
    while (forge.pendingDeliveries().length > 0) {
      sent.push(...(await forge.deliver(deliverOptions)));
      await app.runtime.idle();
    }
    return sent;
  };
  const appLogins = new Set(["app", `${forge.app.slug}[bot]`]);

  const replay: Replay = {
    variant: options.variant,
    root,
    forge,
    clock,
    upstream,
    maintainer,
    contributor: createUserClient(forge.baseUrl, tokens[PEOPLE.contributor.login]!),
    reader: createUserClient(forge.baseUrl, tokens[PEOPLE.reader.login]!),
    releases,
    signing: signing.signing,
    get app() {
      return app;
    },
    appGitBaseUrl: proxy?.url ?? forge.baseUrl,
    at(instant) {
      clock.set(instant);
    },
    async tagUpstream(tag, tagOptions) {
      const release = instantOf(tag);
      clock.set(new Date(parseGitTime(release.date).epoch * 1000));
      await upstream.release(release, tagOptions);
    },
    async poll(deliverOptions) {
      await app.runtime.runJob("poll-upstream");
      return settle(deliverOptions);
    },
    async tick(deliverOptions) {
      await app.runtime.runJob("reconcile");
      return settle(deliverOptions);
    },
    settle,
    async resend(records, resendOptions) {
      for (const record of records) {
        if (!resendOptions.freshIds) {
          await forge.redeliver(record.id);
          continue;
        }
        const response = await fetch(app.webhookUrl, {
          method: "POST",
          headers: {
            "content-type": "application/json",
            "x-github-event": record.event,
            "x-github-delivery": randomUUID(),
            "x-hub-signature-256": signWebhookBody(forge.app.webhookSecret, record.body),
          },
          body: record.body,
        });
        await response.arrayBuffer();
        if (!response.ok) throw new Error(`replay: the app answered ${response.status} to a resent ${record.event}`);
      }
      return settle();
    },
    beforeAppPush(ref, hook) {
      if (!proxy) throw new Error("replay: beforeAppPush needs interceptAppPushes");
      proxy.beforePush(ref, hook);
    },
    async restartApp(restartOptions = {}) {
      await app.close();
      if (!restartOptions.sameCache) cacheDir = nextCache();
      app = await startApp(cacheDir);
      forge.setWebhookUrl(app.webhookUrl);
    },
    appRequests() {
      return forge.requests.filter((entry) => entry.actor !== null && appLogins.has(entry.actor));
    },
    async close() {
      await app.close();
      await runCleanups(cleanups);
    },
  };
  return replay;
}
