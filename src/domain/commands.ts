// `/merge-window <command>` in issue comments: found only at line start, outside quotes and code, and parsed.
import { renderCode, renderText, stripHtmlComments } from "./markdown.ts";
import { parseVersionNumber, type VersionNumber } from "./version.ts";

export type CommandName =
  "status" | "rebase" | "skip-rebase" | "create-stable" | "tag" | "request-pull" | "version" | "help";

export type Command =
  { readonly name: Exclude<CommandName, "version"> } | { readonly name: "version"; readonly version: VersionNumber };

export type ParsedCommand =
  | { readonly ok: true; readonly command: Command }
  | { readonly ok: false; readonly text: string; readonly reason: string };

/** Repository permission levels that may command the app, weakest first (read and triage never may: C12). */
export const COMMAND_PERMISSIONS = ["write", "maintain", "admin"] as const;
/** GitHub's repository permission levels, weakest first: the one statement of their order. */
export const PERMISSIONS = ["none", "read", "triage", ...COMMAND_PERMISSIONS] as const;
export type Permission = (typeof PERMISSIONS)[number];

/** True for a permission level GitHub names (`role_name` or `permission` of the permission endpoint). */
export function isPermission(value: unknown): value is Permission {
  return (PERMISSIONS as readonly unknown[]).includes(value);
}

export const COMMAND_HELP: Readonly<Record<CommandName, string>> = {
  status: "show where the cycle stands",
  rebase: "rebase next onto the upstream tag the process names (inside the allowed window; maintain)",
  "skip-rebase": "record that next is not rebased this cycle",
  "create-stable": "copy next to stable-X.Y now (maintain)",
  tag: "propose (or, with an app signing key, create) the signed tag for stable-X.Y",
  "request-pull": "post the [GIT PULL] mail for the newest valid tag",
  version: "`version X.Y`: settle the number of the coming release (e.g. 7.0 instead of 6.20)",
  help: "list the commands",
};

const PREFIX = "/merge-window";

/**
 * The first command line of a comment: `/merge-window …` at the start of a line, not inside a fenced
 * or indented code block, an inline code span, a `>` quote or an HTML comment (hidden from readers).
 * Null when the comment has none.
 */
export function findCommand(body: string): ParsedCommand | null {
  let fence: string | null = null;
  for (const rawLine of stripHtmlComments(body).replace(/\r\n?/g, "\n").split("\n")) {
    const fenceMatch = /^ {0,3}(`{3,}|~{3,})/.exec(rawLine);
    if (fenceMatch) {
      const marker = fenceMatch[1]!;
      if (fence === null) fence = marker;
      else if (marker[0] === fence[0] && marker.length >= fence.length) fence = null;
      continue;
    }
    if (fence !== null || /^( {4}|\t)/.test(rawLine)) continue;
    const line = rawLine.trimEnd();
    if (!line.startsWith(PREFIX)) continue;
    const rest = line.slice(PREFIX.length);
    if (rest !== "" && !/^\s/.test(rest)) continue; // `/merge-windowx` is not ours
    return parseCommandText(rest.trim());
  }
  return null;
}

function parseCommandText(text: string): ParsedCommand {
  const [name = "", ...args] = text.split(/\s+/).filter(Boolean);
  const shown = `/merge-window ${text}`.trim();
  if (name === "") return { ok: false, text: shown, reason: "no command given" };
  if (name === "version") {
    if (args.length !== 1)
      return { ok: false, text: shown, reason: "`version` takes one argument, like `version 7.0`" };
    try {
      return { ok: true, command: { name, version: parseVersionNumber(args[0]!) } };
    } catch (error) {
      return { ok: false, text: shown, reason: renderText((error as Error).message) };
    }
  }
  if (!(name in COMMAND_HELP))
    return { ok: false, text: shown, reason: `unknown command ${renderCode(name.slice(0, 40))}` };
  if (args.length > 0) return { ok: false, text: shown, reason: `${renderCode(name)} takes no arguments` };
  return { ok: true, command: { name: name as Exclude<CommandName, "version"> } };
}

/** True when `has` is at least `needs` in GitHub's order none < read < triage < write < maintain < admin. */
export function permits(has: Permission | null, needs: Permission): boolean {
  if (has === null) return false; // unknown fails closed
  return PERMISSIONS.indexOf(has) >= PERMISSIONS.indexOf(needs);
}

export function renderHelp(): string {
  return Object.entries(COMMAND_HELP)
    .map(([name, help]) => `- \`/merge-window ${name}\`: ${help}`)
    .join("\n");
}
