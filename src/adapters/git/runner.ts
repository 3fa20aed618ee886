// The one way merge-window runs git: simple-git with a filtered environment and an argv guard.
import { simpleGit, type SimpleGit } from "simple-git";

/** Environment variables git must never inherit from whoever started us (npm sets EDITOR). */
const BLOCKED_ENV = /^(GIT_.*|EDITOR|VISUAL|PAGER|LESS|SSH_ASKPASS)$/i;

/** The only GIT_* variables we set ourselves, on purpose. */
const ALLOWED_GIT_ENV = ["GIT_TERMINAL_PROMPT"];

export interface GitRunnerOptions {
  /** Extra variables for every git process (e.g. GNUPGHOME for a signing key). No GIT_* except the allowed ones. */
  readonly env?: Readonly<Record<string, string>>;
  /** Called with the argv of every git process spawned; tests use it to prove hostile names never reach git. */
  readonly onSpawn?: (argv: readonly string[]) => void;
}

export interface GitRunner {
  readonly dir: string;
  /** Runs `git <args>` in `dir` and returns stdout. Callers put revisions after `--end-of-options` or `--`. */
  run(args: readonly string[]): Promise<string>;
  /** Like run, but resolves with null when git exits non-zero, silently or not (a missing ref, an unverified tag). */
  tryRun(args: readonly string[]): Promise<string | null>;
}

/** The environment a git child gets: ours minus GIT_*, editors and pagers, plus a no-prompt guard. */
export function buildGitEnv(extra: Readonly<Record<string, string>> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value !== undefined && !BLOCKED_ENV.test(key)) env[key] = value;
  }
  for (const [key, value] of Object.entries(extra)) {
    if (BLOCKED_ENV.test(key) && !ALLOWED_GIT_ENV.includes(key)) {
      throw new Error(`git environment variable ${key} is not allowed`);
    }
    env[key] = value;
  }
  env.GIT_TERMINAL_PROMPT = "0";
  return env;
}

/** Receives every git process's subcommand, duration and outcome (the server's metrics); one per process. */
export type GitObserver = (command: string, ms: number, ok: boolean) => void;
let gitObserver: GitObserver | null = null;
export function observeGit(observer: GitObserver | null): void {
  gitObserver = observer;
}

/** Runs `git args` through `raw`, reporting its duration to the observer. */
async function timed(raw: (args: string[]) => Promise<string>, args: readonly string[]): Promise<string> {
  const started = performance.now();
  const command = args.find((arg) => !arg.startsWith("-") && !arg.includes("=")) ?? "git";
  try {
    const out = await raw([...args]);
    gitObserver?.(command, performance.now() - started, true);
    return out;
  } catch (error) {
    gitObserver?.(command, performance.now() - started, false);
    throw error;
  }
}

export function createGitRunner(dir: string, options: GitRunnerOptions = {}): GitRunner {
  const git: SimpleGit = simpleGit({
    baseDir: dir,
    maxConcurrentProcesses: 4,
    trimmed: false,
    allowEnvironment: ALLOWED_GIT_ENV,
    // simple-git's default treats a non-zero exit with an empty stderr as success (`merge-base --is-ancestor`,
    // `rev-parse --verify --quiet`): any non-zero exit is a failure here, its message stdout + stderr.
    errors: (error, result) =>
      error ??
      (result.exitCode !== 0
        ? Buffer.concat([...result.stdOut, ...result.stdErr, Buffer.from(`(git exited ${result.exitCode})`)])
        : undefined),
  }).env(buildGitEnv(options.env));
  if (options.onSpawn) {
    const onSpawn = options.onSpawn;
    git.outputHandler((_command, _stdout, _stderr, args) => onSpawn(args));
  }
  return {
    dir,
    run: (args) => timed((argv) => git.raw(argv), args),
    async tryRun(args) {
      try {
        return await timed((argv) => git.raw(argv), args);
      } catch {
        return null;
      }
    },
  };
}
