// Several real app processes (`node --import tsx src/app/main.ts`) on one real Redis and the sandbox forge, for
// the scale-out scenarios (32, 34, 35, 37). Each world has its own Redis key prefix and removes its keys after.
import assert from "node:assert/strict";
import { execFile, execFileSync, spawn, type ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { Queue } from "bullmq";
import { Redis } from "ioredis";
import { stringify } from "yaml";
import { buildGitEnv } from "../../src/adapters/git/runner.ts";
import { createForge, signWebhookBody, type Forge } from "../../src/sandbox/forge/index.ts";
import { buildReleaseTags, readKernelReleases } from "../fixtures/kernel-releases.ts";
import { buildUpstream } from "../fixtures/upstream-repo.ts";

const ROOT = resolve(import.meta.dirname, "../..");
const MAIN = join(ROOT, "src", "app", "main.ts");
/** tsx by path: the instances run in directories of their own, where `--import tsx` would not resolve. */
export const TSX = pathToFileURL(join(ROOT, "node_modules", "tsx", "dist", "loader.mjs")).href;

/**
 * Why the Redis tests cannot run here, or null when they can. With REDIS_URL set (CI) Redis must answer: an
 * unreachable one fails the tests instead of skipping them.
 */
export async function redisSkipReason(): Promise<string | null> {
  const url = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
  const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  client.on("error", () => {});
  try {
    await client.connect();
    await client.ping();
    return null;
  } catch (error) {
    const reason = `no Redis at ${url} (${error instanceof Error ? error.message : String(error)})`;
    if (process.env.REDIS_URL) throw new Error(`REDIS_URL is set but ${reason}`, { cause: error });
    return `${reason}: start redis-server or set REDIS_URL to run the Redis tests`;
  } finally {
    client.disconnect();
  }
}

export const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";

/** A fresh key prefix and a client; `clean()` deletes every key under the prefix. */
export async function openRedisSpace(): Promise<{ prefix: string; redis: Redis; clean(): Promise<void> }> {
  const prefix = `mw-test-${randomUUID().slice(0, 8)}`;
  const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
  return {
    prefix,
    redis,
    async clean() {
      let cursor = "0";
      do {
        const [next, keys] = await redis.scan(cursor, "MATCH", `${prefix}:*`, "COUNT", 1000);
        if (keys.length > 0) await redis.del(...keys);
        cursor = next;
      } while (cursor !== "0");
      redis.disconnect();
    },
  };
}

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  const { port } = server.address() as { port: number };
  await new Promise<void>((done) => server.close(() => done()));
  return port;
}

export function git(cwd: string, args: readonly string[]): string {
  return execFileSync("git", args, { cwd, env: buildGitEnv(), encoding: "utf8" }).trim();
}

/** git without blocking the event loop (the forge in this process serves the other end). */
export function gitAsync(cwd: string, args: readonly string[]): Promise<string> {
  return new Promise((done, fail) =>
    execFile("git", args, { cwd, env: buildGitEnv() }, (error, stdout, stderr) =>
      error ? fail(new Error(`git ${args.join(" ")}: ${stderr}`)) : done(stdout.trim()),
    ),
  );
}

export const OWNER = "subsys";
export const MAINTAINER = "paul";

export interface Fleet {
  readonly dir: string;
  readonly forge: Forge;
  readonly prefix: string;
  readonly redis: Redis;
  readonly installationId: number;
  /** The repositories (`repo-00`…), all installed. */
  readonly repos: readonly string[];
  /** Head of `next` in every repository. */
  readonly nextSha: string;
  /** The maintainer's REST token. */
  readonly token: string;
  start(name: string, env?: Record<string, string>): Promise<Instance>;
  readonly instances: Instance[];
  /** POSTs a signed delivery to `instance`; resolves to the HTTP status and the time to the answer. */
  send(instance: Instance, event: string, id: string, body: string): Promise<{ status: number; ms: number }>;
  /** The body of a push of `next` (to `nextSha`) by the maintainer to `repo`, as GitHub delivers it. */
  pushBody(repo: string): string;
  /**
   * Waits until the shared queue is empty, no repository lease is held and every delivery of `deliveries` is
   * recorded done; fails after `limitMs` naming what is still open (and the failed runs' reasons).
   */
  drained(deliveries?: readonly string[], limitMs?: number): Promise<void>;
  close(): Promise<void>;
}

export interface Instance {
  readonly name: string;
  readonly base: string;
  readonly child: ChildProcess;
  /** The app's log lines (pino JSON: time, msg, level). */
  lines(): { time: number; msg: string; level: number }[];
  output(): string;
  metrics(): Promise<string>;
  kill(signal?: NodeJS.Signals): Promise<void>;
}

/**
 * A forge with `count` subsystem repositories (a small upstream, `next` one commit ahead, the config on `main`),
 * the app installed on all of them, and a Redis prefix of its own. `badConfig` repositories get an invalid config.
 */
export async function openFleet(count: number, options: { badConfig?: number } = {}): Promise<Fleet> {
  const dir = mkdtempSync(join(tmpdir(), "mw-fleet-"));
  const space = await openRedisSpace();
  const forge = await createForge();
  const instances: Instance[] = [];
  try {
    const token = forge.createUser(MAINTAINER);
    const releases = buildReleaseTags(readKernelReleases(), { from: "v6.7", to: "v6.8-rc2" });
    const upstream = buildUpstream(join(dir, "upstream.git"), { releases, filler: 20 });
    const seed = join(dir, "seed");
    git(dir, ["clone", "-q", upstream.dir, seed]);
    git(seed, ["config", "user.name", "Paul Moore"]);
    git(seed, ["config", "user.email", "paul@example.org"]);
    git(seed, ["checkout", "-q", "-b", "next"]);
    writeFileSync(join(seed, "security-note.txt"), "a subsystem patch\n");
    git(seed, ["add", "."]);
    git(seed, ["commit", "-q", "-m", "selinux: a patch"]);
    const nextSha = git(seed, ["rev-parse", "HEAD"]);
    const config = {
      subsystem: "selinux",
      variant: "rebase-at-window-open",
      timeZone: "UTC",
      branches: { next: "next", stable: "stable-{version}" },
      upstream: { url: `file://localhost${upstream.dir}`, branch: "master" },
    };
    const writeConfig = (text: string) => {
      git(seed, ["checkout", "-q", "-B", "main", "master"]);
      mkdirSync(join(seed, ".github"), { recursive: true });
      writeFileSync(join(seed, ".github", "merge-window.yml"), text);
      git(seed, ["add", "."]);
      git(seed, ["commit", "-q", "-m", "merge-window config"]);
    };
    writeConfig(stringify(config));
    const good = git(seed, ["rev-parse", "main"]);
    writeConfig("subsystem: [not, a, name]\n");
    const bad = git(seed, ["rev-parse", "main"]);
    const repos = Array.from({ length: count }, (_, i) => `repo-${String(i).padStart(2, "0")}`);
    // Straight into the forge's bare repositories (no webhooks for this prehistory), a few at a time.
    const created = await Promise.all(
      repos.map(async (repo) => {
        const { dir: bare } = await forge.createRepo(OWNER, repo, { defaultBranch: "main" });
        forge.setPermission(OWNER, repo, MAINTAINER, "maintain");
        return bare;
      }),
    );
    for (let i = 0; i < created.length; i += 5)
      await Promise.all(
        created.slice(i, i + 5).map((bare, j) => {
          const main = i + j < (options.badConfig ?? 0) ? bad : good;
          return gitAsync(seed, ["push", "-q", bare, `${main}:refs/heads/main`, "next:refs/heads/next", "--tags"]);
        }),
      );
    const installationId = forge.installApp(OWNER, repos);
    const fleet: Fleet = {
      dir,
      forge,
      prefix: space.prefix,
      redis: space.redis,
      installationId,
      repos,
      nextSha,
      token,
      instances,
      async start(name, env = {}) {
        const instance = await startInstance(dir, name, {
          APP_ID: String(forge.app.id),
          PRIVATE_KEY: forge.app.privateKey,
          WEBHOOK_SECRET: forge.app.webhookSecret,
          GHE_HOST: forge.baseUrl.replace(/^http:\/\//, ""),
          GHE_PROTOCOL: "http",
          LOG_FORMAT: "json",
          LOG_LEVEL: "info",
          REDIS_URL,
          MERGE_WINDOW_REDIS_PREFIX: space.prefix,
          MERGE_WINDOW_LEASE_SECONDS: "3",
          MERGE_WINDOW_RUNS: "2",
          ...env,
        });
        instances.push(instance);
        return instance;
      },
      pushBody(repo) {
        return JSON.stringify({
          ref: "refs/heads/next",
          before: "0".repeat(40),
          after: nextSha,
          created: false,
          deleted: false,
          forced: false,
          commits: [],
          head_commit: null,
          pusher: { name: MAINTAINER },
          repository: {
            id: 1000 + repos.indexOf(repo),
            name: repo,
            full_name: `${OWNER}/${repo}`,
            owner: { login: OWNER },
          },
          installation: { id: installationId },
          sender: { login: MAINTAINER, type: "User" },
        });
      },
      async send(instance, event, id, body) {
        const started = performance.now();
        const res = await fetch(`${instance.base}/api/github/webhooks`, {
          method: "POST",
          headers: {
            "content-type": "application/json",
            "x-github-event": event,
            "x-github-delivery": id,
            "x-hub-signature-256": signWebhookBody(forge.app.webhookSecret, body),
          },
          body,
        });
        await res.text();
        return { status: res.status, ms: performance.now() - started };
      },
      async drained(deliveries = [], limitMs = 900_000) {
        const queue = new Queue("runs", { connection: space.redis, prefix: space.prefix });
        const deadline = Date.now() + limitMs;
        try {
          for (;;) {
            const counts = await queue.getJobCounts("waiting", "active", "delayed", "prioritized");
            const busy = Object.values(counts).reduce((a, b) => a + b, 0);
            const leases = await space.redis.keys(`${space.prefix}:lease:repo:*`);
            const states = await Promise.all(
              deliveries.map((id) => space.redis.hget(`${space.prefix}:delivery:${id}`, "state")),
            );
            const notDone: string[] = deliveries.flatMap((id, i) =>
              states[i] === "done" ? [] : [`${id}: ${states[i]}`],
            );
            if (busy === 0 && leases.length === 0 && notDone.length === 0) return;
            if (Date.now() > deadline) {
              const failed = (await queue.getFailed()).map((job) => `${job.id} ${job.name}: ${job.failedReason}`);
              assert.fail(
                `not drained after ${limitMs / 1000} s: ${JSON.stringify(counts)}, ${leases.length} leases, ` +
                  `${notDone.length} deliveries not done (${notDone.slice(0, 5).join(", ")})` +
                  `; failed runs: ${failed.join("; ") || "none"}`,
              );
            }
            await new Promise((done) => setTimeout(done, 250));
          }
        } finally {
          await queue.close();
        }
      },
      async close() {
        for (const instance of instances) await instance.kill("SIGKILL");
        // MERGE_WINDOW_TEST_LOGS=<dir>: keep each instance's output there (to read after a failure).
        const logs = process.env.MERGE_WINDOW_TEST_LOGS;
        if (logs) for (const x of instances) writeFileSync(join(logs, `${space.prefix}-${x.name}.log`), x.output());
        await forge.close();
        await space.clean();
        rmSync(dir, { recursive: true, force: true });
      },
    };
    return fleet;
  } catch (error) {
    for (const instance of instances) await instance.kill("SIGKILL");
    await forge.close();
    await space.clean();
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}

const DROPPED = /^(EDITOR|VISUAL|PAGER|GIT_.*|APP_ID|PRIVATE_KEY.*|WEBHOOK_SECRET|GHE_.*|PORT|HOST|LOG_.*|REDIS_URL)$/;

/** Starts one app process in its own directory and cache; resolves once it listens. */
export async function startInstance(root: string, name: string, env: Record<string, string>): Promise<Instance> {
  const dir = join(root, `instance-${name}`);
  mkdirSync(dir, { recursive: true });
  const port = await freePort();
  const clean = Object.fromEntries(Object.entries(process.env).filter(([key]) => !DROPPED.test(key)));
  const child = spawn(process.execPath, ["--import", TSX, MAIN], {
    cwd: dir,
    env: { ...clean, ...env, PORT: String(port), HOST: "127.0.0.1", MERGE_WINDOW_CACHE: join(dir, "cache") },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const base = `http://127.0.0.1:${port}`;
  const instance: Instance = {
    name,
    base,
    child,
    output: () => output,
    lines: () =>
      output.split("\n").flatMap((line) => {
        if (!line.startsWith("{")) return [];
        try {
          const parsed = JSON.parse(line) as { time: number; msg: string; level: number };
          return [{ time: parsed.time, msg: String(parsed.msg), level: parsed.level }];
        } catch {
          return [];
        }
      }),
    async metrics() {
      return (await fetch(`${base}/metrics`)).text();
    },
    async kill(signal = "SIGTERM") {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((done) => child.once("exit", done));
      child.kill(signal);
      await exited;
    },
  };
  const deadline = Date.now() + 120_000;
  while (!/merge-window listening on port/.test(output)) {
    if (child.exitCode !== null) assert.fail(`instance ${name} exited (${child.exitCode}):\n${output}`);
    if (Date.now() > deadline) assert.fail(`instance ${name} did not start:\n${output}`);
    await new Promise((done) => setTimeout(done, 100));
  }
  return instance;
}

/** `[start, end]` of every run per repository, from the instances' `run started` / `run ended` lines. */
export function runIntervals(instances: readonly Instance[], killedAt = new Map<string, number>()) {
  const byRepo = new Map<string, { instance: string; start: number; end: number; kind: string }[]>();
  for (const instance of instances) {
    const open = new Map<string, { start: number; kind: string; repo: string }>();
    for (const { time, msg } of instance.lines()) {
      const started = /^run (\S+) started: (\S+) \((\S+)\)/.exec(msg);
      const ended = /^run (\S+) ended: (\S+)/.exec(msg);
      if (started) open.set(started[1]!, { start: time, kind: started[3]!, repo: started[2]! });
      if (ended && open.has(ended[1]!)) {
        const { start, kind } = open.get(ended[1]!)!;
        open.delete(ended[1]!);
        const list = byRepo.get(ended[2]!) ?? [];
        list.push({ instance: instance.name, start, end: time, kind });
        byRepo.set(ended[2]!, list);
      }
    }
    // A run its instance was killed in: it ended when the process did.
    for (const { start, kind, repo } of open.values()) {
      const list = byRepo.get(repo) ?? [];
      list.push({ instance: instance.name, start, end: killedAt.get(instance.name) ?? Infinity, kind });
      byRepo.set(repo, list);
    }
  }
  return byRepo;
}

/** Fails naming the repository and the two runs when any two runs of one repository overlap. */
export function assertNoOverlap(byRepo: ReturnType<typeof runIntervals>): void {
  for (const [repo, runs] of byRepo) {
    const sorted = [...runs].sort((a, b) => a.start - b.start);
    for (let i = 1; i < sorted.length; i++) {
      const [a, b] = [sorted[i - 1]!, sorted[i]!];
      assert.ok(b.start >= a.end, `${repo}: runs overlap: ${JSON.stringify(a)} and ${JSON.stringify(b)}`);
    }
  }
}
