// The `merge-window` command line: the app's core on a local clone, without GitHub.
// Exit status: 0 done, 1 failed (check-tag: the tag is invalid), 2 bad input (one line on stderr naming it).
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import {
  isCommandName,
  parseCommandArgs,
  renderCommandHelp,
  renderUsage,
  type CommandArgs,
  type CommandName,
} from "./args.ts";
import { CliFailure, resolveCliIo, type CliIo } from "./io.ts";
import { InputError } from "../domain/errors.ts";

export type { CliIo } from "./io.ts";

type Handler = (args: CommandArgs, io: CliIo) => Promise<number>;

// Each command's module is loaded when that command runs: --help, --version and bad input load none of them, and
// request-pull does not pay for the modules of status or the actions (start-up time; bench/request-pull.bench.ts).
const HANDLERS: Record<CommandName, () => Promise<Handler>> = {
  status: async () => (await import("./status.ts")).runStatus,
  "advise-rebase": async () => (await import("./status.ts")).runAdviseRebase,
  "tag-name": async () => (await import("./tags.ts")).runTagName,
  "check-tag": async () => (await import("./tags.ts")).runCheckTag,
  "request-pull": async () => (await import("./request-pull.ts")).runRequestPull,
  rebase: async () => (await import("./actions.ts")).runRebase,
  "create-stable": async () => (await import("./actions.ts")).runCreateStable,
  tag: async () => (await import("./tag-action.ts")).runTag,
  "cleanup-backups": async () => (await import("./cleanup-backups.ts")).runCleanupBackups,
  demo: () => Promise.resolve(runDemoCommand),
};

/**
 * Runs `merge-window <argv>` and resolves with the exit status; never throws. `io` replaces the process's
 * streams, directory, clock and git hooks (tests run the CLI in-process this way).
 */
export async function main(argv: string[], ioOverrides: Partial<CliIo> = {}): Promise<number> {
  const io = resolveCliIo(ioOverrides);
  const [name, ...rest] = argv;
  if (name === undefined) {
    io.stderr(renderUsage());
    return 2;
  }
  if (name === "--version" || name === "-V") {
    io.stdout(`merge-window ${readVersion()}\n`);
    return 0;
  }
  if (name === "--help" || name === "-h" || name === "help") {
    io.stdout(renderUsage());
    return 0;
  }
  if (!isCommandName(name)) {
    io.stderr(
      `merge-window: unknown command ${JSON.stringify(name)} (commands: ${Object.keys(HANDLERS).join(", ")}; ` +
        `see merge-window --help)\n`,
    );
    return 2;
  }
  try {
    const args = parseCommandArgs(name, rest);
    if (args.values.help) {
      io.stdout(renderCommandHelp(name));
      return 0;
    }
    const handler = await HANDLERS[name]();
    return await handler(args, io);
  } catch (error) {
    return reportError(name, error, io);
  }
}

/** The package's version, read once from package.json next to src/ (or dist/). */
function readVersion(): string {
  const file = new URL("../../package.json", import.meta.url);
  return (JSON.parse(readFileSync(file, "utf8")) as { version: string }).version;
}

/** InputError: the caller's mistake (exit 2); CliFailure and anything else: exit 1. One line, except config errors. */
function reportError(command: CommandName, error: unknown, io: CliIo): number {
  if (error instanceof InputError) {
    const text = error.code === "bad-config" ? error.message : error.message.replace(/\s*\n\s*/g, "; ");
    io.stderr(`merge-window ${command}: ${text}\n`);
    return 2;
  }
  const message = error instanceof Error ? error.message : String(error);
  const line =
    message
      .split("\n")
      .find((part) => part.trim() !== "")
      ?.trim() ?? "failed";
  io.stderr(`merge-window ${command}: ${error instanceof CliFailure ? line : `failed: ${line}`}\n`);
  return 1;
}

/** `merge-window demo [--variant A|B|C] [--keep] [--verbose]`: a whole cycle against the sandbox forge, narrated. */
async function runDemoCommand(args: CommandArgs, io: CliIo): Promise<number> {
  // Loaded only for the demo: the forge and Probot are not needed by the other commands.
  const { runDemo } = await import("../sandbox/demo.ts");
  return runDemo({ argv: args.rest, stdout: io.stdout, stderr: io.stderr });
}

// `node --import tsx src/cli/main.ts …` (npm run demo) runs the CLI; importing this module does not.
if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  process.exitCode = await main(process.argv.slice(2));
}
