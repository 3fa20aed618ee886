// What the tracking issue records after a run: the memory minus what failed, and one line per failure.
import { fitBody, parseMeta, renderMeta } from "./tracking-issue.ts";

export interface EffectFailure {
  /** The failed effect's one-shot key (null for the unkeyed issue writes). */
  readonly key: string | null;
  /** What was attempted, as a verb phrase ("rebase next onto v6.8"). */
  readonly what: string;
  readonly error: string;
}

const META_LINE = /\n*<!-- merge-window:meta v1 [A-Za-z0-9+/=]+ -->\s*$/;

/**
 * The body to write once every other effect was tried: failed keys (and the commands that asked for them, see
 * `handledBy`) are dropped from memory so the next run tries again, and each failure is shown ("will retry").
 */
export function settleBody(
  body: string,
  failures: readonly EffectFailure[],
  handledBy: Readonly<Record<string, string>> = {},
): string {
  if (failures.length === 0) return body;
  const memory = parseMeta(body);
  if (!memory) return body;
  const undone = new Set<string>();
  for (const failure of failures) {
    if (failure.key === null) continue;
    undone.add(failure.key);
    const command = handledBy[failure.key];
    if (command) undone.add(command);
  }
  const settled = { ...memory, done: memory.done.filter((key) => !undone.has(key)) };
  const lines = failures.map((failure) => `- ⚠️ could not ${failure.what}: ${inline(failure.error)}; will retry`);
  const text = `${body.replace(META_LINE, "")}\n\n### Not done\n${lines.join("\n")}`;
  return fitBody(text, renderMeta(settled));
}

/** An error message as one inert line: no code-span break-out, no newlines, bounded. */
function inline(error: string): string {
  const line = error.replace(/\s+/g, " ").trim().slice(0, 300);
  return `\`${line.replaceAll("`", "'")}\``;
}
