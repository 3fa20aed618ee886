// `npm start`: the GitHub App server. Without credentials it says what is missing and how to get them.
import { existsSync, readFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { createNodeMiddleware, createProbot, run } from "probot";
import type { SigningKey } from "../adapters/git/index.ts";
import { assertFilePath, assertKeyId } from "../adapters/git/inputs.ts";
import { configureGitLimits, readGitLimits } from "../adapters/git/limits.ts";
import { createWebhookServer } from "./http-server.ts";
import { createMergeWindowApp, type SharedRedis } from "./probot-app.ts";
import type { HealthState } from "./health.ts";
import { readMaxRuns } from "./queue.ts";
import { drain, readDrainMs } from "./shutdown.ts";
import { appOctokitOverrides, createRedisTokenCache } from "./token-cache.ts";
import { connectQueueRedis, connectSharedRedis, createShared, describeRedisUrl, readRedisSettings } from "./redis.ts";
import { askWebhookUrl, loadDotEnv, normalizeWebhookUrl, readWebhookUrlArg, writeManifestWebhookUrl } from "./setup.ts";

const REQUIRED = [
  ["APP_ID", "the numeric App ID shown on the app's settings page"],
  ["PRIVATE_KEY or PRIVATE_KEY_PATH", "the app's private key (.pem) generated on its settings page"],
  ["WEBHOOK_SECRET", "the webhook secret you chose when registering the app"],
] as const;

export function findMissingCredentials(env: NodeJS.ProcessEnv): string[] {
  const missing: string[] = [];
  if (!env.APP_ID) missing.push("APP_ID");
  if (!env.PRIVATE_KEY && !env.PRIVATE_KEY_PATH) missing.push("PRIVATE_KEY or PRIVATE_KEY_PATH");
  if (!env.WEBHOOK_SECRET) missing.push("WEBHOOK_SECRET");
  return missing;
}

export function renderMissingCredentials(missing: readonly string[]): string {
  return [
    `merge-window cannot start: missing ${missing.join(", ")}.`,
    "",
    "It runs as a GitHub App. To get these values:",
    "  1. Register an app from the manifest in app.yml: `npm start -- --setup` serves Probot's registration page",
    "     on http://localhost:3000, which creates the app from app.yml and writes its credentials to .env",
    "     (add --webhook-url https://your.host/api/github/webhooks, or a proxy URL, or it asks);",
    "     or create it by hand (Settings → Developer settings → GitHub Apps) with app.yml's permissions and events.",
    "  2. Install it on your subsystem repository and add .github/merge-window.yml (see config/selinux.yml).",
    "  3. Export, or write to .env in the directory you start from (.env wins over exported values, as in Probot):",
    ...REQUIRED.map(([name, what]) => `       ${name.padEnd(32)} ${what}`),
    "     Optional: MERGE_WINDOW_CACHE (git mirrors, default ~/.cache/merge-window), MERGE_WINDOW_GNUPGHOME",
    "     (maintainers' public keys for tag checks), MERGE_WINDOW_SIGNING_KEY (gpg:<key id> or ssh:<key file>,",
    "     only for signing.mode: app), MERGE_WINDOW_GIT_PROCESSES (concurrent git processes, default twice the CPUs),",
    "     MERGE_WINDOW_GIT_NETWORK_TIMEOUT / _LOCAL_TIMEOUT (seconds a git process may run: 180 / 60), GHE_HOST, PORT.",
    "     Several instances: REDIS_URL (redis://host:6379, shared by all of them), MERGE_WINDOW_RUNS (runs at once",
    "     per instance, default one per CPU), MERGE_WINDOW_LEASE_SECONDS (takeover of a dead instance's runs: 30 s).",
    "     MERGE_WINDOW_DRAIN_SECONDS: how long running runs may finish after SIGTERM (30 s).",
    "",
    "To see what merge-window does without any of this: npm run demo",
  ].join("\n");
}

/**
 * MERGE_WINDOW_SIGNING_KEY, checked at start with the git layer's own rules (a key it would refuse later is refused
 * now).
 */
export function parseSigningKey(value: string | undefined): SigningKey | null {
  if (!value) return null;
  const colon = value.indexOf(":");
  const [kind, rest] = colon < 0 ? ["", value] : [value.slice(0, colon), value.slice(colon + 1)];
  try {
    if (kind === "gpg") return { kind: "gpg", keyId: assertKeyId(rest) };
    if (kind === "ssh" && existsSync(rest)) return { kind: "ssh", keyFile: assertFilePath(rest, "SSH signing key") };
  } catch {
    // reported below, naming the variable
  }
  throw new Error(
    `MERGE_WINDOW_SIGNING_KEY ${JSON.stringify(value)}: expected gpg:<16- or 40-digit hex key id> or ` +
      `ssh:<absolute path of an existing key file>`,
  );
}

async function main(): Promise<number> {
  loadDotEnv(process.cwd()); // what Probot's run() does, but before the check below reads the environment
  const missing = findMissingCredentials(process.env);
  if (missing.length > 0 && process.argv.includes("--setup")) {
    const url = normalizeWebhookUrl(readWebhookUrlArg(process.argv) ?? (await askWebhookUrl()));
    writeManifestWebhookUrl(join(process.cwd(), "app.yml"), url);
    console.error(`merge-window: app.yml now sends webhooks to ${url}; registering the app from it`);
    await run(
      createMergeWindowApp({ cacheDir: join(homedir(), ".cache", "merge-window"), gitBaseUrl: "https://github.com" }),
    );
    return 0;
  }
  if (missing.length > 0) {
    console.error(renderMissingCredentials(missing));
    return 2;
  }
  if (!process.env.PRIVATE_KEY && process.env.PRIVATE_KEY_PATH)
    process.env.PRIVATE_KEY = readFileSync(process.env.PRIVATE_KEY_PATH, "utf8");
  configureGitLimits(readGitLimits(process.env));
  const maxRuns = readMaxRuns(process.env);
  const redis = await openSharedRedis(process.env);
  const drainMs = readDrainMs(process.env);
  let stopRuns: () => Promise<void> = async () => {};
  let health: HealthState | null = null;
  const host = process.env.GHE_HOST;
  const protocol = process.env.GHE_PROTOCOL ?? "https";
  const appFn = createMergeWindowApp({
    cacheDir: process.env.MERGE_WINDOW_CACHE ?? join(homedir(), ".cache", "merge-window"),
    gitBaseUrl: host ? `${protocol}://${host}` : "https://github.com",
    signingKey: parseSigningKey(process.env.MERGE_WINDOW_SIGNING_KEY),
    ...(process.env.MERGE_WINDOW_GNUPGHOME ? { gnupgHome: process.env.MERGE_WINDOW_GNUPGHOME } : {}),
    maxRuns,
    ...(redis ? { redis } : {}),
    onStop: (stop) => (stopRuns = stop),
    onHealth: (state) => (health = state),
  });
  // Our own server around Probot's middleware (not probot's run()): the body cap and timeouts live there.
  // createProbot() alone logs at "warn" (probot run() says "info"): keep the operator's info lines.
  // With Redis, auth-app's installation tokens are shared too (ETags are per token: see token-cache.ts).
  const tokens = redis ? createRedisTokenCache(redis.shared.redis, redis.shared.key("token")) : null;
  const probot = createProbot({
    env: { ...process.env, LOG_LEVEL: process.env.LOG_LEVEL ?? "info" },
    overrides: appOctokitOverrides(tokens),
  });
  const server = createWebhookServer(await createNodeMiddleware(appFn, { probot }));
  const port = Number(process.env.PORT ?? 3000);
  await new Promise<void>((resolve) => server.listen(port, process.env.HOST, resolve));
  probot.log.info(`merge-window listening on port ${port}, webhooks at ${probot.webhookPath}`);
  probot.log.info(
    redis
      ? `shared state in Redis ${describeRedisUrl(redis.url)} (prefix ${redis.shared.prefix}), ` +
          `${maxRuns} runs at once here`
      : `one instance, state in memory (no REDIS_URL), ${maxRuns} runs at once`,
  );
  let draining = false;
  process.on("SIGTERM", () => {
    if (draining) return;
    draining = true;
    const steps = {
      server,
      stopRuns,
      log: (line: string) => probot.log.info(line),
      onDraining: () => void (health && (health.draining = true)),
      close: async () => {
        await redis?.queueConnection.quit().catch(() => redis.queueConnection.disconnect());
        await redis?.shared.close();
      },
    };
    // Probot's throttling keeps its own Redis client open: the process ends here, not when the loop empties.
    void drain(steps, drainMs).then((code) => process.exit(code));
  });
  return 0;
}

/** REDIS_URL given: connects (an error naming the URL if Redis does not answer); null without it. */
async function openSharedRedis(env: NodeJS.ProcessEnv): Promise<SharedRedis | null> {
  const settings = readRedisSettings(env);
  if (!settings) return null;
  const lease = env.MERGE_WINDOW_LEASE_SECONDS;
  if (lease !== undefined && lease !== "" && !/^[1-9][0-9]{0,4}$/.test(lease))
    throw new Error(`MERGE_WINDOW_LEASE_SECONDS=${JSON.stringify(lease)}: expected a positive whole number`);
  const shared = createShared(await connectSharedRedis(settings.url), settings.prefix);
  return {
    url: settings.url,
    shared,
    queueConnection: connectQueueRedis(settings.url),
    leaseMs: (lease ? Number(lease) : 30) * 1000,
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().then(
    (code) => {
      if (code !== 0) process.exit(code);
    },
    (error: unknown) => {
      console.error(`merge-window: ${error instanceof Error ? error.message : String(error)}`);
      process.exit(1);
    },
  );
}
