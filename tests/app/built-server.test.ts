// The compiled server (`npm run build`, then node dist/app/main.js) started the way an operator does: from a
// directory holding .env, against the sandbox forge posing as GitHub Enterprise. Health, readiness, metrics.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { generateKeyPairSync } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { createForge, type Forge } from "../../src/sandbox/forge/index.ts";

const ROOT = resolve(import.meta.dirname, "../..");
const MAIN = join(ROOT, "dist", "app", "main.js");
const WAIT_MS = 60_000;

function build(): void {
  const result = spawnSync(
    process.execPath,
    [join(ROOT, "node_modules/typescript/bin/tsc"), "-p", "tsconfig.build.json"],
    {
      cwd: ROOT,
      encoding: "utf8",
      timeout: 600_000,
    },
  );
  assert.equal(result.status, 0, `npm run build failed:\n${result.stdout}${result.stderr}`);
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  const { port } = server.address() as { port: number };
  await new Promise<void>((done) => server.close(() => done()));
  return port;
}

interface Started {
  readonly base: string;
  readonly output: () => string;
}

/** Starts the built server in a fresh directory whose .env holds `env`; stopped (by its pid) when the test ends. */
async function startBuilt(t: { after(fn: () => unknown): void }, env: Record<string, string>): Promise<Started> {
  const dir = mkdtempSync(join(tmpdir(), "mw-built-"));
  const port = await freePort();
  const lines = Object.entries({
    ...env,
    PORT: String(port),
    HOST: "127.0.0.1",
    MERGE_WINDOW_CACHE: join(dir, "cache"),
  });
  writeFileSync(join(dir, ".env"), lines.map(([k, v]) => `${k}=${JSON.stringify(v)}`).join("\n") + "\n");
  const clean = Object.fromEntries(
    Object.entries(process.env).filter(
      ([key]) => !/^(APP_ID|PRIVATE_KEY|WEBHOOK_SECRET|GHE_|PORT$|LOG_|REDIS_URL$|MERGE_WINDOW_)/.test(key),
    ),
  );
  const child: ChildProcess = spawn(process.execPath, [MAIN], {
    cwd: dir,
    env: clean,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  t.after(async () => {
    if (child.exitCode === null) {
      const exited = new Promise((done) => child.once("exit", done));
      child.kill("SIGTERM");
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  });
  return { base: `http://127.0.0.1:${port}`, output: () => output };
}

/** Waits until the server's output matches `pattern`; fails showing the output after WAIT_MS. */
async function waitForOutput(server: Started, pattern: RegExp) {
  const deadline = Date.now() + WAIT_MS;
  while (Date.now() < deadline && !pattern.test(server.output())) await new Promise((done) => setTimeout(done, 100));
  assert.match(server.output(), pattern);
}

/** Polls `path` until `accept` holds for its answer; fails naming the last answer after WAIT_MS. */
async function waitFor(server: Started, path: string, accept: (status: number, body: string) => boolean) {
  const deadline = Date.now() + WAIT_MS;
  let last = "no answer";
  while (Date.now() < deadline) {
    try {
      const res = await fetch(server.base + path);
      const body = await res.text();
      if (accept(res.status, body)) return { status: res.status, body, type: res.headers.get("content-type") ?? "" };
      last = `${res.status} ${body}`;
    } catch (error) {
      last = String(error);
    }
    await new Promise((done) => setTimeout(done, 200));
  }
  assert.fail(`${path}: still ${last} after ${WAIT_MS} ms; server output:\n${server.output()}`);
}

function forgeEnv(forge: Forge, appId: number, privateKey: string): Record<string, string> {
  return {
    APP_ID: String(appId),
    PRIVATE_KEY: privateKey,
    WEBHOOK_SECRET: forge.app.webhookSecret,
    GHE_HOST: forge.baseUrl.replace(/^http:\/\//, ""),
    GHE_PROTOCOL: "http",
    LOG_FORMAT: "json",
  };
}

test("the built server, .env with wrong then right credentials: healthz, readyz with reason, metrics", async (t) => {
  build();
  const forge = await createForge();
  t.after(() => forge.close());
  forge.createUser("paul");
  await forge.createRepo("selinux", "selinux");
  forge.installApp("selinux", ["selinux"]);

  await t.test("a key that is not the app's: alive, not ready (naming the credentials), metrics", async (t) => {
    const wrongKey = generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({
      type: "pkcs1",
      format: "pem",
    });
    const server = await startBuilt(t, forgeEnv(forge, forge.app.id, wrongKey.toString()));
    const health = await waitFor(server, "/healthz", (status) => status === 200);
    assert.equal(health.body, "ok\n");
    const ready = await waitFor(server, "/readyz", (_status, body) => body.includes("credentials refused"));
    assert.equal(ready.status, 503);
    assert.match(ready.body, /credentials refused: GitHub answered 401 to GET \/app: APP_ID and PRIVATE_KEY/);
    const metrics = await waitFor(server, "/metrics", (status) => status === 200);
    assert.match(metrics.type, /^text\/plain; version=0\.0\.4/);
    assert.match(metrics.body, /^# TYPE merge_window_runs_total counter$/m);
    assert.match(metrics.body, /^merge_window_github_requests_total\{route="GET \/app",status="401"\} 1$/m);
    assert.match(metrics.body, /^merge_window_last_upstream_poll_timestamp_seconds 0$/m);
    const refusals = server
      .output()
      .split("\n")
      .filter((line) => line.includes("GET /app"));
    assert.equal(refusals.length, 1, `one line about the credentials:\n${server.output()}`);
    assert.doesNotMatch(server.output(), /\n\s+at /, "no stack trace");
  });

  await t.test("the forge's own credentials: ready once upstream was polled", async (t) => {
    const server = await startBuilt(t, forgeEnv(forge, forge.app.id, forge.app.privateKey));
    const ready = await waitFor(server, "/readyz", (status) => status === 200);
    assert.equal(ready.body, "ready\n");
    // The log line and the readiness answer travel separately (pino writes asynchronously): wait for the line.
    await waitForOutput(server, /credentials verified, running as app \\?"merge-window\\?"/);
    const metrics = await waitFor(server, "/metrics", (status) => status === 200);
    assert.match(metrics.body, /^merge_window_github_requests_total\{route="GET \/app",status="200"\} \d+$/m);
    assert.match(metrics.body, /^merge_window_github_requests_total\{route="GET \/app\/installations",status="200"\}/m);
    assert.match(metrics.body, /^merge_window_last_upstream_poll_timestamp_seconds [1-9]/m);
    assert.match(metrics.body, /^merge_window_github_rate_limit_remaining \d+$/m);
  });
});
