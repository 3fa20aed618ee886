// Where a repository keeps its config file, and the limits checked before any YAML parser sees it (no dependency:
// the CLI's zod-free reader uses them too).

/** Where a repository keeps its configuration. */
export const DEFAULT_CONFIG_PATH = ".github/merge-window.yml";

/** Larger files are refused unread: a config is a page of YAML, not a payload. */
export const MAX_CONFIG_LENGTH = 64 * 1024;
/** Deepest nesting read (flow brackets, or indentation in columns / 2); the real schema needs 3 levels. */
export const MAX_CONFIG_DEPTH = 16;

/**
 * A scan before the YAML parser (which spends seconds on a 64 KB `[[[[…` and would recurse as deep): the first
 * line nesting deeper than MAX_CONFIG_DEPTH, in flow brackets or in indentation. Brackets inside quoted strings
 * count too: a config never needs 16 of them.
 */
export function findDeepNesting(text: string): { line: number; message: string } | null {
  let depth = 0;
  let line = 1;
  let column = 0;
  let indenting = true;
  for (const ch of text) {
    if (ch === "\n") {
      line++;
      column = 0;
      indenting = true;
      continue;
    }
    if (indenting && (ch === " " || ch === "-")) column++;
    else indenting = false;
    if (ch === "[" || ch === "{") depth++;
    else if ((ch === "]" || ch === "}") && depth > 0) depth--;
    if (depth > MAX_CONFIG_DEPTH || column > 2 * MAX_CONFIG_DEPTH) {
      return { line, message: `nests deeper than ${MAX_CONFIG_DEPTH} levels; a merge-window config needs 3` };
    }
  }
  return null;
}
