// Shared setup for the forge tests: a forge with a webhook receiver, Octokit clients, git in temp clones.
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from "node:fs";
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { createAppAuth } from "@octokit/auth-app";
import { RequestError } from "@octokit/request-error";
import { Octokit } from "@octokit/rest";
import { verify } from "@octokit/webhooks-methods";
import { buildGitEnv } from "../../src/adapters/git/runner.ts";
import { createForge, type Forge, type ForgeOptions } from "../../src/sandbox/forge/index.ts";

export interface ReceivedWebhook {
  readonly event: string;
  readonly id: string;
  readonly action: string | undefined;
  readonly payload: Record<string, any>;
  readonly signatureValid: boolean;
  readonly headers: Record<string, string | string[] | undefined>;
}

export interface Sandbox {
  readonly forge: Forge;
  readonly received: ReceivedWebhook[];
  /** The receiver's URL (the forge's webhook URL). */
  readonly webhookUrl: string;
  /** Answer the receiver gives (default 200). */
  receiverStatus: number;
  /** Delivers everything queued and returns what the receiver got in this round. */
  deliver(): Promise<ReceivedWebhook[]>;
  close(): Promise<void>;
}

/** A forge whose webhooks go to an in-test receiver that checks each signature with @octokit/webhooks-methods. */
export async function startSandbox(options: ForgeOptions = {}): Promise<Sandbox> {
  const forge = await createForge(options);
  const received: ReceivedWebhook[] = [];
  const sandbox = { receiverStatus: 200 };
  const receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      const signature = String(req.headers["x-hub-signature-256"] ?? "");
      void verify(forge.app.webhookSecret, body, signature).then((signatureValid) => {
        const payload = JSON.parse(body) as Record<string, any>;
        received.push({
          event: String(req.headers["x-github-event"]),
          id: String(req.headers["x-github-delivery"]),
          action: payload.action,
          payload,
          signatureValid,
          headers: req.headers,
        });
        res.writeHead(sandbox.receiverStatus).end();
      });
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  const port = (receiver.address() as { port: number }).port;
  const webhookUrl = `http://127.0.0.1:${port}/api/github/webhooks`;
  forge.setWebhookUrl(webhookUrl);
  return Object.assign(sandbox, {
    forge,
    received,
    webhookUrl,
    async deliver() {
      const before = received.length;
      await forge.deliver();
      return received.slice(before);
    },
    async close() {
      await forge.close();
      await new Promise<void>((resolve) => receiver.close(() => resolve()));
    },
  });
}

/** The RequestError `promise` rejects with (a failed assertion when it resolves or fails otherwise). */
export async function rejection(promise: Promise<unknown>): Promise<RequestError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  assert.ok(error instanceof RequestError, `expected a RequestError, got ${String(error)}`);
  return error;
}

const QUIET = { debug() {}, info() {}, warn() {}, error() {} };

export function userOctokit(forge: Forge, token: string): Octokit {
  return new Octokit({ baseUrl: forge.baseUrl, auth: token, log: QUIET });
}

/** An Octokit authenticated as the app's installation, the way Probot does it (JWT → installation token). */
export function appOctokit(forge: Forge, installationId: number): Octokit {
  return new Octokit({
    baseUrl: forge.baseUrl,
    authStrategy: createAppAuth,
    auth: { appId: forge.app.id, privateKey: forge.app.privateKey, installationId },
    log: QUIET,
  });
}

export interface GitOptions {
  readonly allowFailure?: boolean;
  /** Extra environment (e.g. GNUPGHOME); never GIT_*. */
  readonly env?: Record<string, string>;
}

export interface GitResult {
  readonly stdout: string;
  readonly stderr: string;
  readonly status: number;
}

/**
 * Runs git (asynchronously: the forge answers in this same process) with an env free of GIT_* and a fixed
 * identity; rejects with stderr on failure unless `allowFailure`.
 */
export function git(cwd: string, args: readonly string[], options: GitOptions = {}): Promise<GitResult> {
  const argv = [
    "-c",
    "user.name=Forge Tester",
    "-c",
    "user.email=tester@example.org",
    "-c",
    "credential.helper=",
    "-c",
    "init.defaultBranch=main",
    ...args,
  ];
  return new Promise((resolve, reject) => {
    execFile("git", argv, { cwd, env: buildGitEnv(options.env) }, (error, stdout, stderr) => {
      const status = error ? (typeof error.code === "number" ? error.code : -1) : 0;
      if (error && !options.allowFailure) reject(new Error(`git ${args.join(" ")} failed: ${stderr}`));
      else resolve({ stdout, stderr, status });
    });
  });
}

export interface WorkTree {
  readonly dir: string;
  /** Writes `files`, commits them and returns the new commit's sha. */
  commit(files: Record<string, string>, message?: string): Promise<string>;
  run(args: readonly string[], options?: GitOptions): Promise<GitResult>;
  cleanup(): void;
}

/** A temp working repository with `origin` at `url` and one commit (a README). */
export async function createWorkTree(url: string): Promise<WorkTree> {
  const dir = mkdtempSync(join(tmpdir(), "forge-work-"));
  const run = (args: readonly string[], options?: GitOptions) => git(dir, args, options);
  await run(["init", "--quiet"]);
  await run(["remote", "add", "origin", url]);
  const commit = async (files: Record<string, string>, message = `change ${Object.keys(files).join(", ")}`) => {
    for (const [path, content] of Object.entries(files)) {
      mkdirSync(dirname(join(dir, path)), { recursive: true });
      writeFileSync(join(dir, path), content);
    }
    await run(["add", "--all"]);
    await run(["commit", "--quiet", "-m", message]);
    return (await run(["rev-parse", "HEAD"])).stdout.trim();
  };
  await commit({ README: "hello\n" }, "Initial commit");
  return { dir, commit, run, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export interface SelinuxSetup {
  readonly sandbox: Sandbox;
  readonly forge: Forge;
  /** Token of `paul`, an admin of selinux/selinux. */
  readonly paulToken: string;
  readonly installationId: number;
  /** A clone with one commit, `origin` carrying paul's credentials. */
  readonly work: WorkTree;
  readonly owner: "selinux";
  readonly repo: "selinux";
  close(): Promise<void>;
}

/** The usual world: repo selinux/selinux (default branch main), maintainer paul (admin), the app installed. */
export async function startSelinux(options: ForgeOptions = {}, install = true): Promise<SelinuxSetup> {
  const sandbox = await startSandbox(options);
  const { forge } = sandbox;
  const paulToken = forge.createUser("paul");
  await forge.createRepo("selinux", "selinux", { defaultBranch: "main" });
  forge.setPermission("selinux", "selinux", "paul", "admin");
  const installationId = install ? forge.installApp("selinux", ["selinux"]) : 0;
  const work = await createWorkTree(forge.gitUrl("selinux", "selinux", "paul"));
  return {
    sandbox,
    forge,
    paulToken,
    installationId,
    work,
    owner: "selinux",
    repo: "selinux",
    async close() {
      work.cleanup();
      await sandbox.close();
    },
  };
}
