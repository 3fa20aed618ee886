// Helpers for CLI tests: run `main` in-process with captured output and spawn log, and small fixture repos.
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildGitEnv } from "../../src/adapters/git/runner.ts";
import { main } from "../../src/cli/main.ts";
import {
  buildReleaseTags,
  buildSubsystem,
  buildUpstream,
  readKernelReleases,
  type SubsystemRepo,
  type SubsystemStep,
  type UpstreamRepo,
} from "../fixtures/kernel-repo.ts";

export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  /** argv of every git process the run spawned. */
  readonly spawns: readonly (readonly string[])[];
}

export interface CliRunOptions {
  readonly env?: Record<string, string>;
  readonly cwd?: string;
  readonly now?: Date;
  /** Answers the push question (default: no, as when stdin is not a terminal). */
  readonly confirm?: (question: string) => Promise<boolean>;
}

/** Runs `merge-window <argv>` in this process. */
export async function runCli(argv: readonly string[], options: CliRunOptions = {}): Promise<CliResult> {
  let stdout = "";
  let stderr = "";
  const spawns: string[][] = [];
  const code = await main([...argv], {
    stdout: (text) => void (stdout += text),
    stderr: (text) => void (stderr += text),
    onSpawn: (args) => void spawns.push([...args]),
    ...(options.env ? { env: options.env } : {}),
    ...(options.cwd ? { cwd: options.cwd } : {}),
    ...(options.now ? { now: () => options.now! } : {}),
    confirm: options.confirm ?? (() => Promise.resolve(false)),
  });
  return { code, stdout, stderr, spawns };
}

/** Runs git in `dir` with a GIT_*-free environment and a fixed identity (test setup only). */
export function git(dir: string, args: readonly string[]): string {
  return execFileSync("git", ["-c", "user.name=Paul Moore", "-c", "user.email=paul@paul-moore.com", ...args], {
    cwd: dir,
    env: buildGitEnv(),
    encoding: "utf8",
    stdio: ["pipe", "pipe", "pipe"],
  }).trim();
}

export function createTempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `mw-cli-${prefix}-`));
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/** Writes `.github/merge-window.yml` (or another file) in the work tree. */
export function writeRepoFile(repo: string, path: string, text: string): string {
  const file = join(repo, path);
  mkdirSync(join(file, ".."), { recursive: true });
  writeFileSync(file, text);
  return file;
}

/** An upstream with the real release tags `from`…`to` and a subsystem clone built by `steps`. */
export function buildWorld(
  dir: string,
  range: { from: string; to: string },
  steps: readonly SubsystemStep[],
): { upstream: UpstreamRepo; subsystem: SubsystemRepo } {
  const releases = buildReleaseTags(readKernelReleases(), range);
  const upstream = buildUpstream(join(dir, "linux.git"), { releases, filler: 2 * releases.length });
  return { upstream, subsystem: buildSubsystem(join(dir, "subsystem"), { upstream, steps }) };
}

/** Parses status --json output, failing with the CLI's stderr when it is not JSON. */
export function parseJson(result: CliResult): Record<string, any> {
  try {
    return JSON.parse(result.stdout) as Record<string, any>;
  } catch {
    throw new Error(`not JSON (exit ${result.code}): ${result.stdout}\n${result.stderr}`);
  }
}
