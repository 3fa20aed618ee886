// What every way of running git shares, with no dependency: the filtered environment, the subcommand of an argv,
// and the errors for a git process that timed out or exited non-zero (light enough for the CLI's fast paths).

/** Environment variables git must never inherit from whoever started us (npm sets EDITOR). */
const BLOCKED_ENV = /^(GIT_.*|EDITOR|VISUAL|PAGER|LESS|SSH_ASKPASS)$/i;

/** The only GIT_* variables we set ourselves, on purpose. */
export const ALLOWED_GIT_ENV = ["GIT_TERMINAL_PROMPT"];

/** Subcommands that talk to another repository (and may wait on a remote that never answers). */
export const NETWORK_COMMANDS = new Set(["fetch", "push", "clone", "ls-remote", "pull", "remote"]);

/** A git process killed because it ran past its timeout. */
export class GitTimeoutError extends Error {
  override readonly name = "GitTimeoutError";
}

/** `fetch` from `-c x=y fetch …`: the subcommand, skipping global options. */
export function subcommandOf(args: readonly string[]): string {
  for (let i = 0; i < args.length; i++) {
    if (args[i] === "-c" || args[i] === "-C") i++;
    else if (!args[i]!.startsWith("-")) return args[i]!;
  }
  return "";
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
