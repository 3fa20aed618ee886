// Turns YAML and zod failures into readable config errors: file, dotted key, line, and a reason a human can act on.
import { isMap, isSeq, isScalar, type Document, type LineCounter, type YAMLError } from "yaml";
import type { z } from "zod";

/**
 * One problem in a config file. `key` is dotted (`cycle.lateThreshold`, `upstream.subsystemPaths[1]`); "" is the whole
 * file.
 */
export interface ConfigError {
  readonly file: string;
  readonly key: string;
  readonly message: string;
  /** 1-based line of the key (or of the syntax error) when the file has it. */
  readonly line?: number;
}

type Path = readonly PropertyKey[];
/** Reads the keys a map schema knows at `path`; undefined when `path` is not a map. */
export type KnownKeys = (path: Path) => readonly string[] | undefined;

/** `["upstream", "subsystemPaths", 1]` → `upstream.subsystemPaths[1]`. */
export function renderKey(path: Path): string {
  return path.reduce<string>(
    (key, part) =>
      typeof part === "number" ? `${key}[${part}]` : key === "" ? String(part) : `${key}.${String(part)}`,
    "",
  );
}

/** One line per error: `.github/merge-window.yml:12: cycle.lateThreshold: must be …`. */
export function formatConfigErrors(errors: readonly ConfigError[]): string {
  return errors
    .map(
      (error) =>
        `${error.file}${error.line === undefined ? "" : `:${error.line}`}: ` +
        `${error.key === "" ? "" : `${error.key}: `}${error.message}`,
    )
    .join("\n");
}

/** A YAML syntax error: the first line of yaml's message, positioned by line, with a hint for unquoted templates. */
export function buildSyntaxError(file: string, error: YAMLError, source: string): ConfigError {
  const first =
    error.code === "MULTIPLE_DOCS"
      ? 'the file holds more than one YAML document (a second "---"); merge-window reads exactly one'
      : error.message.split("\n")[0]!.replace(/ at line \d+, column \d+:?$/, "");
  const position = error.linePos?.[0];
  const where = position ? ` (column ${position.col})` : "";
  const text = position ? (source.split("\n")[position.line - 1] ?? "") : "";
  const hint = /:\s+\{[a-z]+\}/.test(text)
    ? '; quote templates that start with "{", e.g. name: "{subsystem}-pr-{date}"'
    : "";
  return {
    file,
    key: "",
    message: `YAML syntax error: ${first}${where}${hint}`,
    ...(position ? { line: position.line } : {}),
  };
}

/** Errors in file order (by line); errors without a line keep their order, after the others. */
export function sortConfigErrors(errors: readonly ConfigError[]): ConfigError[] {
  return [...errors].sort((a, b) => (a.line ?? Number.MAX_SAFE_INTEGER) - (b.line ?? Number.MAX_SAFE_INTEGER));
}

/** Generic reasons for zod's own issues; the schema's explicit messages take precedence over these. */
export const describeIssue: z.core.$ZodErrorMap = (issue) => {
  if (issue.code === "invalid_type") {
    if (issue.input === undefined) return "is required";
    const hint =
      issue.expected === "string" && isPlainMap(issue.input)
        ? ' (quote values that start with "{": YAML reads them as a map)'
        : "";
    return `expected ${describeExpected(issue.expected)}, got ${describeValue(issue.input)}${hint}`;
  }
  if (issue.code === "invalid_value") {
    return (
      `expected ${issue.values.length === 1 ? "" : "one of "}${issue.values.map(String).join(", ")}; ` +
      `got ${describeValue(issue.input)}`
    );
  }
  return undefined;
};

/** Every zod issue as ConfigErrors; an unknown-keys issue becomes one error per key. */
export function buildSchemaErrors(
  file: string,
  issues: readonly z.core.$ZodIssue[],
  knownKeys: KnownKeys,
  lineOf: (path: Path) => number | undefined,
): ConfigError[] {
  const errors: ConfigError[] = [];
  const add = (path: Path, message: string) => {
    const line = lineOf(path);
    errors.push({ file, key: renderKey(path), message, ...(line === undefined ? {} : { line }) });
  };
  for (const issue of issues) {
    if (issue.code !== "unrecognized_keys") {
      add(issue.path, issue.message);
      continue;
    }
    const known = knownKeys(issue.path) ?? [];
    for (const key of issue.keys) add([...issue.path, key], describeUnknownKey(key, known));
  }
  return errors;
}

function describeUnknownKey(key: string, known: readonly string[]): string {
  const close = known.find(
    (candidate) => candidate.toLowerCase() === key.toLowerCase() || editDistance(candidate, key) <= 2,
  );
  if (close !== undefined) return `unknown key; did you mean ${close}?`;
  return known.length > 0 ? `unknown key; known keys here: ${known.join(", ")}` : "unknown key";
}

/** The 1-based line where `path` is written in `doc`, or of its deepest written ancestor. */
export function findLine(doc: Document, counter: LineCounter, path: Path): number | undefined {
  let node: unknown = doc.contents;
  let offset = isMap(node) || isSeq(node) ? node.range?.[0] : undefined;
  for (const part of path) {
    if (isMap(node)) {
      const pair = node.items.find((item) => isScalar(item.key) && String(item.key.value) === String(part));
      if (!pair) break;
      offset = isScalar(pair.key) ? pair.key.range?.[0] : offset;
      node = pair.value;
    } else if (isSeq(node) && typeof part === "number") {
      const item = node.items[part];
      if (!item) break;
      offset = (item as { range?: [number, number, number] }).range?.[0] ?? offset;
      node = item;
    } else {
      break;
    }
  }
  return offset === undefined ? undefined : counter.linePos(offset).line;
}

function describeExpected(expected: string): string {
  const names: Record<string, string> = {
    object: "a map of keys",
    array: "a list",
    string: "text",
    number: "a number",
    boolean: "true or false",
    int: "a whole number",
  };
  return names[expected] ?? expected;
}

function describeValue(value: unknown): string {
  if (value === null) return "null (an empty value)";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "a map";
  if (typeof value === "string")
    return `the text ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
  if (typeof value === "number") return `the number ${value}`;
  if (typeof value === "boolean") return `${value}`;
  return typeof value;
}

function isPlainMap(value: unknown): boolean {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j]!;
      row[j] = Math.min(above + 1, row[j - 1]! + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length]!;
}
