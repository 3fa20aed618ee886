// The one way merge-window runs git: simple-git with a filtered environment, an argv guard, a timeout on every
// process (network operations longer than local ones) and one cap on concurrent git processes for the whole app.
import { spawn } from "node:child_process";
import { GitError, GitPluginError, simpleGit, type SimpleGit } from "simple-git";
import { ALLOWED_GIT_ENV, buildGitEnv, GitTimeoutError, NETWORK_COMMANDS, subcommandOf } from "./git-env.ts";
import { acquireGitSlot, GIT_LIMITS } from "./limits.ts";
import { spawnLinePipe, type GitLinePipe } from "./line-pipe.ts";
import { reportGit } from "./observer.ts";

export { buildGitEnv, GitTimeoutError } from "./git-env.ts";
export { observeGit, type GitObserver } from "./observer.ts";
export type { GitLinePipe } from "./line-pipe.ts";

export interface GitRunnerOptions {
  /** Extra variables for every git process (e.g. GNUPGHOME for a signing key). No GIT_* except the allowed ones. */
  readonly env?: Readonly<Record<string, string>>;
  /** Called with the argv of every git process spawned; tests use it to prove hostile names never reach git. */
  readonly onSpawn?: (argv: readonly string[]) => void;
  /** Overrides GIT_LIMITS' timeouts for this runner. */
  readonly timeouts?: { readonly networkMs?: number; readonly localMs?: number };
}

/** A git process that exited non-zero; carries its exit status and stdout for runWithExit. */
export class GitExitError extends GitError {
  override readonly name = "GitExitError";
  constructor(
    readonly exitCode: number,
    readonly stdout: string,
    message: string,
  ) {
    super(undefined, message);
  }
}

export interface GitRunner {
  readonly dir: string;
  /** Runs `git <args>` in `dir` and returns stdout. Callers put revisions after `--end-of-options` or `--`. */
  run(args: readonly string[]): Promise<string>;
  /** Like run, but resolves with null when git exits non-zero, silently or not (a missing ref, an unverified tag). */
  tryRun(args: readonly string[]): Promise<string | null>;
  /**
   * Runs a local `git <args>` with `input` on its stdin (`update-ref --stdin`, `cat-file --batch`): many refs
   * or objects in one process. Same environment, slot and local timeout as run(); rejects on a non-zero exit.
   */
  runWithInput(args: readonly string[], input: string): Promise<string>;
  /**
   * Runs git and resolves with its exit status and stdout whatever the status (`merge-tree` exits 1 on
   * conflicts).
   */
  runWithExit(args: readonly string[]): Promise<{ readonly code: number; readonly stdout: string }>;
  /**
   * Starts one long-running local git that answers each stdin line with one stdout line (`hash-object
   * --stdin-paths`): many requests, one process. Not counted against the process cap (it sleeps on its stdin
   * while the caller's counted processes run; counting it could deadlock a cap of 1). Close it when done.
   */
  openLinePipe(args: readonly string[]): GitLinePipe;
}

/** Runs `git args` through `raw`, reporting its duration to the observer. */
async function timed(raw: (args: string[]) => Promise<string>, args: readonly string[]): Promise<string> {
  const started = performance.now();
  const command = args.find((arg) => !arg.startsWith("-") && !arg.includes("=")) ?? "git";
  try {
    const out = await raw([...args]);
    reportGit(command, performance.now() - started, true);
    return out;
  } catch (error) {
    reportGit(command, performance.now() - started, false);
    throw error;
  }
}

export function createGitRunner(dir: string, options: GitRunnerOptions = {}): GitRunner {
  const networkMs = options.timeouts?.networkMs ?? GIT_LIMITS.networkTimeoutMs;
  const localMs = options.timeouts?.localMs ?? GIT_LIMITS.localTimeoutMs;
  const network = createSimpleGit(dir, options, networkMs);
  const local = createSimpleGit(dir, options, localMs);
  const raw = async (args: readonly string[]): Promise<string> => {
    const command = subcommandOf(args);
    const isNetwork = NETWORK_COMMANDS.has(command);
    const release = await acquireGitSlot();
    try {
      return await timed((argv) => (isNetwork ? network : local).raw(argv), args);
    } catch (error) {
      if (error instanceof GitPluginError && error.plugin === "timeout") {
        const seconds = Math.round((isNetwork ? networkMs : localMs) / 1000);
        throw new GitTimeoutError(
          `git ${command} in ${dir} was killed after ${seconds} s without finishing ` +
            `(${isNetwork ? "network" : "local"} timeout)`,
          { cause: error },
        );
      }
      throw error;
    } finally {
      release();
    }
  };
  const withInput = async (args: readonly string[], input: string): Promise<string> => {
    const release = await acquireGitSlot();
    try {
      options.onSpawn?.(args);
      return await timed((argv) => spawnWithInput(dir, argv, input, options.env, localMs), args);
    } finally {
      release();
    }
  };
  return {
    dir,
    run: raw,
    runWithInput: withInput,
    openLinePipe(args) {
      options.onSpawn?.(args);
      return spawnLinePipe(dir, args, options.env, localMs);
    },
    async tryRun(args) {
      try {
        return await raw(args);
      } catch (error) {
        if (error instanceof GitTimeoutError) throw error; // a hung git is not "no such ref"
        return null;
      }
    },
    async runWithExit(args) {
      try {
        return { code: 0, stdout: await raw(args) };
      } catch (error) {
        if (error instanceof GitExitError) return { code: error.exitCode, stdout: error.stdout };
        throw error;
      }
    },
  };
}

function createSimpleGit(dir: string, options: GitRunnerOptions, timeoutMs: number): SimpleGit {
  const git: SimpleGit = simpleGit({
    baseDir: dir,
    maxConcurrentProcesses: 4,
    trimmed: false,
    allowEnvironment: ALLOWED_GIT_ENV,
    // Killed (SIGINT) after this long with no output; git's own handler then ends the transport helpers and
    // upload-pack processes it started (they are spawned clean-on-exit), so no child outlives it.
    timeout: { block: timeoutMs },
    // simple-git's default treats a non-zero exit with an empty stderr as success (`merge-base --is-ancestor`,
    // `rev-parse --verify --quiet`): any non-zero exit is a failure here, its message stdout + stderr.
    errors: (error, result) =>
      error ??
      (result.exitCode !== 0
        ? new GitExitError(
            result.exitCode,
            Buffer.concat(result.stdOut).toString("utf8"),
            Buffer.concat([
              ...result.stdOut,
              ...result.stdErr,
              Buffer.from(`(git exited ${result.exitCode})`),
            ]).toString("utf8"),
          )
        : undefined),
  }).env(buildGitEnv(options.env));
  if (options.onSpawn) {
    const onSpawn = options.onSpawn;
    git.outputHandler((_command, _stdout, _stderr, args) => onSpawn(args));
  }
  return git;
}

/** One git process fed `input`; stdout on exit 0, else an error with its stderr (killed after `timeoutMs`). */
function spawnWithInput(
  dir: string,
  args: readonly string[],
  input: string,
  env: Readonly<Record<string, string>> | undefined,
  timeoutMs: number,
): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn("git", args, { cwd: dir, env: buildGitEnv(env), stdio: ["pipe", "pipe", "pipe"] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill("SIGINT");
    }, timeoutMs);
    child.stdout.on("data", (chunk: Buffer) => out.push(chunk));
    child.stderr.on("data", (chunk: Buffer) => err.push(chunk));
    child.stdin.on("error", () => undefined); // git exiting early closes the pipe; the exit code tells
    child.on("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      const command = subcommandOf(args);
      if (timedOut) {
        const seconds = Math.round(timeoutMs / 1000);
        reject(
          new GitTimeoutError(
            `git ${command} in ${dir} was killed after ${seconds} s without finishing (local timeout)`,
          ),
        );
      } else if (code === 0) resolve(Buffer.concat(out).toString("utf8"));
      else
        reject(
          new Error(
            `git ${command} in ${dir} failed: ${Buffer.concat([...out, ...err]).toString("utf8")}(git exited ${code})`,
          ),
        );
    });
    child.stdin.end(input);
  });
}
