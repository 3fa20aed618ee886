// What the CLI needs from its surroundings (output streams, clock, git hooks), so tests can run it in-process.

/** The CLI's surroundings; every field has a process default (see resolveCliIo). */
export interface CliIo {
  /** Receives standard output text (already newline-terminated). */
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /** Resolves relative `--repo`, `--config` and `--upstream` paths. */
  readonly cwd: string;
  /** The real "now" when `--at` is not given. */
  readonly now: () => Date;
  /** Extra environment for every git process (e.g. GNUPGHOME of the keyring that verifies tags). No GIT_*. */
  readonly env?: Readonly<Record<string, string>>;
  /** Sees the argv of every git process (tests, the bench). */
  readonly onSpawn?: (argv: readonly string[]) => void;
  /** Asks a yes/no question before a push (default: on the terminal; refused when stdin is not one). */
  readonly confirm?: (question: string) => Promise<boolean>;
}

/** A failure that is not the caller's input (no current stable branch, a tag that does not check out): exit 1. */
export class CliFailure extends Error {
  override readonly name = "CliFailure";
}

/** Fills what `partial` leaves out with the process's own streams, directory and clock. */
export function resolveCliIo(partial: Partial<CliIo> = {}): CliIo {
  return {
    stdout: partial.stdout ?? ((text) => void process.stdout.write(text)),
    stderr: partial.stderr ?? ((text) => void process.stderr.write(text)),
    cwd: partial.cwd ?? process.cwd(),
    now: partial.now ?? (() => new Date()),
    ...(partial.env ? { env: partial.env } : {}),
    ...(partial.onSpawn ? { onSpawn: partial.onSpawn } : {}),
    confirm: partial.confirm ?? askOnTerminal,
  };
}

/** `question [y/N]` on the terminal; false without asking when stdin is not a terminal. */
async function askOnTerminal(question: string): Promise<boolean> {
  if (!process.stdin.isTTY) return false;
  const { createInterface } = await import("node:readline/promises");
  const prompt = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return /^y(es)?$/i.test((await prompt.question(`${question} [y/N] `)).trim());
  } finally {
    prompt.close();
  }
}

/** The options of createGitRunner / createGitLayer that come from the I/O. */
export function buildGitHooks(io: CliIo): {
  env?: Readonly<Record<string, string>>;
  onSpawn?: (argv: readonly string[]) => void;
} {
  return { ...(io.env ? { env: io.env } : {}), ...(io.onSpawn ? { onSpawn: io.onSpawn } : {}) };
}
