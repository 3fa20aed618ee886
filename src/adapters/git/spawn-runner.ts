// A GitRunner on node:child_process alone (no simple-git): the CLI's fast paths start in a few milliseconds.
// Same rules as runner.ts: filtered environment, one slot per process under the app-wide cap, a timeout that
// restarts on every output chunk (network commands longer), and failures carrying stdout + stderr + exit status.
import { spawn } from "node:child_process";
import { buildGitEnv, GitTimeoutError, NETWORK_COMMANDS, subcommandOf } from "./git-env.ts";
import { acquireGitSlot, GIT_LIMITS } from "./limits.ts";
import { spawnLinePipe } from "./line-pipe.ts";
import { reportGit } from "./observer.ts";
import type { GitRunner, GitRunnerOptions } from "./runner.ts";

/** A git process that exited non-zero: its status and stdout; the message is stdout, stderr, `(git exited N)`. */
export class SpawnedGitExitError extends Error {
  override readonly name = "GitExitError";
  constructor(
    readonly exitCode: number,
    readonly stdout: string,
    message: string,
  ) {
    super(message);
  }
}

export function createSpawnRunner(dir: string, options: GitRunnerOptions = {}): GitRunner {
  const env = buildGitEnv(options.env);
  const exec = async (args: readonly string[], input: string | null): Promise<string> => {
    const release = await acquireGitSlot();
    try {
      options.onSpawn?.(args);
      const network = NETWORK_COMMANDS.has(subcommandOf(args));
      const timeoutMs = network
        ? (options.timeouts?.networkMs ?? GIT_LIMITS.networkTimeoutMs)
        : (options.timeouts?.localMs ?? GIT_LIMITS.localTimeoutMs);
      const started = performance.now();
      try {
        const out = await spawnGit(dir, args, { env, input, timeoutMs, network });
        reportGit(subcommandOf(args), performance.now() - started, true);
        return out;
      } catch (error) {
        reportGit(subcommandOf(args), performance.now() - started, false);
        throw error;
      }
    } finally {
      release();
    }
  };
  const tryRun = async (args: readonly string[]): Promise<string | null> => {
    try {
      return await exec(args, null);
    } catch (error) {
      if (error instanceof GitTimeoutError) throw error; // a hung git is not "no such ref"
      return null;
    }
  };
  return {
    dir,
    run: (args) => exec(args, null),
    tryRun,
    runWithInput: (args, input) => exec(args, input),
    openLinePipe(args) {
      options.onSpawn?.(args);
      return spawnLinePipe(dir, args, options.env, options.timeouts?.localMs ?? GIT_LIMITS.localTimeoutMs);
    },
    async runWithExit(args) {
      try {
        return { code: 0, stdout: await exec(args, null) };
      } catch (error) {
        if (error instanceof SpawnedGitExitError) return { code: error.exitCode, stdout: error.stdout };
        throw error;
      }
    },
  };
}

interface SpawnOptions {
  readonly env: Record<string, string>;
  readonly input: string | null;
  readonly timeoutMs: number;
  readonly network: boolean;
}

/** One git process; stdout on exit 0. Killed (SIGINT, as simple-git does) after `timeoutMs` without output. */
function spawnGit(dir: string, args: readonly string[], options: SpawnOptions): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn("git", args, {
      cwd: dir,
      env: options.env,
      stdio: [options.input === null ? "ignore" : "pipe", "pipe", "pipe"],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let timedOut = false;
    let timer: NodeJS.Timeout | undefined;
    const arm = () => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        timedOut = true;
        child.kill("SIGINT");
      }, options.timeoutMs);
    };
    arm();
    child.stdout!.on("data", (chunk: Buffer) => {
      out.push(chunk);
      arm();
    });
    child.stderr!.on("data", (chunk: Buffer) => {
      err.push(chunk);
      arm();
    });
    child.on("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      const command = subcommandOf(args);
      if (timedOut) {
        const seconds = Math.round(options.timeoutMs / 1000);
        const kind = options.network ? "network" : "local";
        reject(
          new GitTimeoutError(
            `git ${command} in ${dir} was killed after ${seconds} s without finishing (${kind} timeout)`,
          ),
        );
        return;
      }
      const stdout = Buffer.concat(out).toString("utf8");
      if (code === 0) return resolve(stdout);
      const status = code ?? (signal ? `on ${signal}` : -1);
      const message = `${stdout}${Buffer.concat(err).toString("utf8")}(git exited ${status})`;
      reject(new SpawnedGitExitError(typeof code === "number" ? code : -1, stdout, message));
    });
    if (child.stdin) {
      child.stdin.on("error", () => undefined); // git exiting early closes the pipe; the exit code tells
      child.stdin.end(options.input);
    }
  });
}
