// The CLI's commands, their options and usage texts, and argv parsing (node:util parseArgs, strict) with
// validation of the values that are not passed on as they are (--at, --date, --style).
import { parseArgs } from "node:util";
import { InputError } from "../domain/errors.ts";
import { isRealDateStamp } from "../domain/time.ts";

export type CommandName =
  | "status"
  | "advise-rebase"
  | "tag-name"
  | "check-tag"
  | "request-pull"
  | "rebase"
  | "create-stable"
  | "tag"
  | "cleanup-backups"
  | "demo";

type BooleanOption = "json" | "help" | "mail" | "no-verify-url" | "yes" | "dry-run" | "delete";
type OptionName =
  | BooleanOption
  | "repo"
  | "upstream"
  | "config"
  | "subsystem"
  | "at"
  | "onto"
  | "date"
  | "url"
  | "base"
  | "style"
  | "mbox"
  | "remote"
  | "key"
  | "cache";

/** What one option means, for parseArgs and for the help text. */
interface OptionSpec {
  readonly type: "string" | "boolean";
  readonly value?: string;
  readonly help: string;
}

const OPTIONS: Record<OptionName, OptionSpec> = {
  repo: { type: "string", value: "DIR", help: "the subsystem clone (default: the current directory)" },
  upstream: {
    type: "string",
    value: "REMOTE|PATH|URL",
    help:
      "where Linus' v* tags come from: a remote of the clone, a path or a URL (default: the clone's own v* " +
      "tags; only a remote or URL is fetched)",
  },
  config: {
    type: "string",
    value: "FILE",
    help: "configuration file (default: <repo>/.github/merge-window.yml, else built-in defaults)",
  },
  subsystem: {
    type: "string",
    value: "NAME",
    help: "subsystem for the built-in defaults (default: inferred from the newest *-pr-* tag)",
  },
  at: {
    type: "string",
    value: "ISO-TIME",
    help: "evaluate as if it were this instant, e.g. 2024-03-12T18:00:00Z (default: now)",
  },
  json: { type: "boolean", help: "print JSON" },
  cache: {
    type: "string",
    value: "DIR",
    help:
      "keep what is fetched from upstream in DIR (a bare repository borrowing the clone's objects, created if " +
      "absent) instead of refs/merge-window/upstream/* in the clone: the clone is left untouched",
  },
  onto: { type: "string", value: "TAG", help: "upstream tag to rebase onto (default: the cycle's rebase target)" },
  date: { type: "string", value: "YYYY-MM-DD", help: "the tag's {date} (default: today in the configured time zone)" },
  url: { type: "string", value: "URL", help: "public URL printed in the request (default: the origin remote's URL)" },
  base: {
    type: "string",
    value: "REV",
    help:
      "a tag or full commit id to start from (default: the previous tag on the branch, else the branch's " +
      "upstream base)",
  },
  style: {
    type: "string",
    value: "git|wrapped",
    help: "git: byte-identical to git request-pull (default); wrapped: lines over 78 columns split",
  },
  help: { type: "boolean", help: "show this help" },
  mail: { type: "boolean", help: "print the whole mail: From, Date, To, Cc, Subject, greeting, body, sign-off" },
  mbox: { type: "string", value: "FILE", help: "write the whole mail to FILE as an mbox, for git send-email FILE" },
  "no-verify-url": { type: "boolean", help: "do not check (git ls-remote) that the URL has the tag (offline)" },
  yes: { type: "boolean", help: "push without asking (default: show the plan and ask on the terminal)" },
  "dry-run": { type: "boolean", help: "print the plan and the exact git commands; change nothing" },
  remote: { type: "string", value: "REMOTE", help: "the remote to push to (default: origin)" },
  delete: {
    type: "boolean",
    help: "delete what the policy allows (default: the configured backups.cleanup, dry-run unless set to delete)",
  },
  key: {
    type: "string",
    value: "KEYID",
    help: "GPG key id or SSH key file to sign with (default: git config user.signingKey)",
  },
};

const COMMON: readonly OptionName[] = ["repo", "config", "subsystem", "upstream", "at"];

interface CommandSpec {
  readonly summary: string;
  /** The positional argument, when the command takes one. */
  readonly argument?: "TAG";
  readonly options: readonly OptionName[];
}

export const COMMANDS: Record<CommandName, CommandSpec> = {
  status: {
    summary: "where the cycle stands: upstream phase, target version, branches, steps and what to do next",
    options: [...COMMON, "cache", "json"],
  },
  "advise-rebase": {
    summary:
      "how far next is behind its rebase target, upstream changes in the subsystem paths, a trial rebase " +
      "(changes nothing)",
    options: [...COMMON, "onto", "cache", "json"],
  },
  "tag-name": {
    summary: "the next free tag name on the current stable branch, its message and the git tag -s command",
    options: [...COMMON, "date", "remote", "cache", "json"],
  },
  "check-tag": {
    summary:
      "checks one tag: name, date, annotated, signed by an allowed key, on a stable branch, message (exit 1 " +
      "when invalid)",
    argument: "TAG",
    options: ["repo", "config", "subsystem", "at", "remote", "json"],
  },
  "request-pull": {
    summary: "the git request-pull body (or --mail, --mbox) for a tag, after checking like git that the URL has it",
    argument: "TAG",
    options: [...COMMON, "url", "base", "style", "no-verify-url", "mail", "mbox", "json"],
  },
  rebase: {
    summary: "rebases next onto its target upstream tag and pushes it: backup ref first, lease on the SHA read",
    options: [...COMMON, "onto", "remote", "yes", "dry-run", "json"],
  },
  "create-stable": {
    summary: "creates the window's stable branch at next on the push remote, only if absent",
    options: [...COMMON, "remote", "yes", "dry-run", "json"],
  },
  tag: {
    summary: "signs (git tag -s) the next pull-request tag on the current stable branch and pushes it, only if absent",
    options: [...COMMON, "date", "key", "remote", "yes", "dry-run", "json"],
  },
  "cleanup-backups": {
    summary:
      "lists the remote's backup refs, which the policy (backups:) would delete and why each other is kept; " +
      "--delete deletes them, each with a lease on the SHA read",
    options: ["repo", "config", "subsystem", "at", "remote", "delete", "json"],
  },
  demo: { summary: "runs the sandbox demo (--json does not apply)", options: [] },
};

/** Parsed options of one command. */
export interface CommandArgs {
  readonly command: CommandName;
  readonly argument: string | undefined;
  readonly values: Partial<Record<Exclude<OptionName, BooleanOption>, string>> &
    Partial<Record<BooleanOption, boolean>>;
  /** For `demo`: everything after the command, untouched. */
  readonly rest: readonly string[];
}

export function isCommandName(name: string): name is CommandName {
  return Object.hasOwn(COMMANDS, name);
}

/** Parses `argv` (after the command name); throws InputError naming the bad flag or argument. */
export function parseCommandArgs(command: CommandName, argv: readonly string[]): CommandArgs {
  const spec = COMMANDS[command];
  if (command === "demo")
    return { command, argument: undefined, values: argv.includes("--help") ? { help: true } : {}, rest: argv };
  const options = Object.fromEntries(
    [...spec.options, "help"].map((name) => [name, { type: OPTIONS[name as OptionName].type }]),
  );
  let parsed;
  try {
    parsed = parseArgs({ args: [...argv], options, strict: true, allowPositionals: true });
  } catch (error) {
    const message = error instanceof Error ? error.message.split(". ")[0]!.replace(/\.$/, "") : String(error);
    throw new InputError("bad-arguments", `${message} (see merge-window ${command} --help)`);
  }
  const values = parsed.values as CommandArgs["values"];
  if (values.help) return { command, argument: undefined, values, rest: [] };
  for (const [name, value] of Object.entries(values)) {
    if (value === "") throw new InputError("bad-arguments", `--${name} needs a non-empty value`);
  }
  const [argument, ...extra] = parsed.positionals;
  if (spec.argument && argument === undefined) {
    throw new InputError(
      "missing-argument",
      `missing ${spec.argument} (usage: merge-window ${command} ${spec.argument} [options])`,
    );
  }
  const unexpected = spec.argument ? extra[0] : argument;
  if (unexpected !== undefined)
    throw new InputError(
      "bad-arguments",
      `unexpected argument ${JSON.stringify(unexpected)} (see merge-window ${command} --help)`,
    );
  if (values.style !== undefined && values.style !== "git" && values.style !== "wrapped") {
    throw new InputError("bad-style", `--style ${JSON.stringify(values.style)}: use git or wrapped`);
  }
  return { command, argument, values, rest: [] };
}

const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,3})?)?(?:Z|[+-]\d{2}:\d{2})$/;

/** `--at`: an ISO 8601 instant with a zone (`Z` or `±HH:MM`) and a real calendar day. */
export function parseAtOption(text: string): Date {
  const instant = new Date(text);
  if (
    !ISO_TIME.test(text) ||
    Number.isNaN(instant.getTime()) ||
    !isRealDateStamp(text.slice(0, 10).replaceAll("-", ""))
  ) {
    throw new InputError(
      "bad-time",
      `--at ${JSON.stringify(text)} is not an ISO time with a zone, e.g. 2024-03-12T18:00:00Z`,
    );
  }
  return instant;
}

/** `--date YYYY-MM-DD` → the `{date}` stamp `YYYYMMDD`. */
export function parseDateOption(text: string): string {
  const stamp = text.replaceAll("-", "");
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text) || !isRealDateStamp(stamp)) {
    throw new InputError("bad-date", `--date ${JSON.stringify(text)} is not a real day written YYYY-MM-DD`);
  }
  return stamp;
}

/** `merge-window --help`. */
export function renderUsage(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((name) => name.length));
  return [
    "usage: merge-window <command> [options]",
    "",
    "The merge-window core on a local clone of a kernel subsystem tree; no GitHub, no network unless --upstream asks.",
    "",
    "commands:",
    ...Object.entries(COMMANDS).map(([name, spec]) => `  ${name.padEnd(width)}  ${spec.summary}`),
    "",
    "merge-window <command> --help shows a command's options; every command but demo takes --json.",
    "exit status: 0 done, 1 failed (check-tag: invalid; request-pull: the URL lacks the tag), 2 bad input",
    "",
    "what it writes:",
    "  your clone:   refs/merge-window/upstream/tags/* and refs/merge-window/upstream/heads/* (a copy of upstream's",
    "                tags and main branch, refreshed by every command that reads upstream; never refs/heads or",
    "                refs/tags). Remove them with: git for-each-ref --format='delete %(refname)' refs/merge-window |",
    "                git update-ref --stdin. status, advise-rebase and tag-name --cache DIR write them in DIR instead",
    "                (a bare repository borrowing the clone's objects): the clone gets no ref and no object.",
    "  push remote:  only rebase, create-stable and tag push, after showing the plan and asking (--yes skips the",
    "                question): refs/merge-window/backup/<branch>-<time>-<sha> before a rebase, then the branch or",
    "                tag with a lease on the SHA read; nothing is ever force-pushed. cleanup-backups --delete deletes",
    "                old backups a branch or tag still holds, each with a lease on the SHA it read.",
    "  upstream:     a remote whose URL is upstream.url, else one named upstream or torvalds, else the clone's own",
    "                v* tags; --upstream overrides.",
    "",
  ].join("\n");
}

/** `merge-window <command> --help`. */
export function renderCommandHelp(command: CommandName): string {
  const spec = COMMANDS[command];
  const names = [...spec.options, "help"] as OptionName[];
  const label = (name: OptionName) => `--${name}${OPTIONS[name].value ? ` ${OPTIONS[name].value}` : ""}`;
  const width = Math.max(...names.map((name) => label(name).length));
  return [
    `usage: merge-window ${command}${spec.argument ? ` ${spec.argument}` : ""} [options]`,
    "",
    spec.summary,
    "",
    "options:",
    ...names.map((name) => `  ${label(name).padEnd(width)}  ${OPTIONS[name].help}`),
    "",
  ].join("\n");
}
