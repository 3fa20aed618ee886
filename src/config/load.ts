// Reads .github/merge-window.yml: YAML → zod schema → Config, or a list of errors naming file, key and reason.
import { createHash } from "node:crypto";
import { LineCounter, parseDocument } from "yaml";
import { z } from "zod";
import { InputError } from "../domain/errors.ts";
import {
  buildSchemaErrors,
  buildSyntaxError,
  describeIssue,
  findLine,
  sortConfigErrors,
  type ConfigError,
} from "./errors.ts";
import { configSchema } from "./config-schema.ts";
import { configObjectSchema } from "./schema.ts";
import { DEFAULT_CONFIG_PATH, findDeepNesting, MAX_CONFIG_LENGTH } from "./nesting.ts";

export { formatConfigErrors, type ConfigError } from "./errors.ts";

/** A repository's merge-window configuration, every default filled in. */
export type Config = z.output<typeof configSchema>;
/** The process variant a repository follows. */
export type Variant = Config["variant"];

export { DEFAULT_CONFIG_PATH, MAX_CONFIG_DEPTH, MAX_CONFIG_LENGTH } from "./nesting.ts";

export type ConfigResult =
  { readonly ok: true; readonly config: Config } | { readonly ok: false; readonly errors: ConfigError[] };

/** Results by file name and content hash: a config blob is parsed once, not on every run. */
const parsed = new Map<string, ConfigResult>();
const PARSED_KEPT = 256;

/**
 * Parses and validates a config file's text. Never throws on bad input: every problem becomes a ConfigError.
 * The same text (same blob) gives the same, cached result.
 */
export function parseConfig(yamlText: string, options: { file?: string } = {}): ConfigResult {
  const file = options.file ?? DEFAULT_CONFIG_PATH;
  const key = `${file}\0${createHash("sha256").update(yamlText).digest("hex")}`;
  const known = parsed.get(key);
  if (known) return known;
  const result = parseUncached(yamlText, file);
  if (parsed.size >= PARSED_KEPT) parsed.delete(parsed.keys().next().value!);
  parsed.set(key, result);
  return result;
}

function parseUncached(yamlText: string, file: string): ConfigResult {
  if (yamlText.length > MAX_CONFIG_LENGTH) {
    return fail({
      file,
      key: "",
      message: `the file is ${yamlText.length} characters long; at most ${MAX_CONFIG_LENGTH} are read`,
    });
  }
  const tooDeep = findDeepNesting(yamlText);
  if (tooDeep !== null) return fail({ file, key: "", line: tooDeep.line, message: tooDeep.message });
  const counter = new LineCounter();
  const doc = parseDocument(yamlText, { lineCounter: counter, prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0)
    return { ok: false, errors: doc.errors.map((error) => buildSyntaxError(file, error, yamlText)) };
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: 50 });
  } catch (error) {
    return fail({
      file,
      key: "",
      message: `the YAML cannot be read: ${error instanceof Error ? error.message : String(error)}`,
    });
  }
  if (data === null || data === undefined) {
    return fail({
      file,
      key: "subsystem",
      message: "is required; the file is empty (write at least `subsystem: <name>`)",
    });
  }
  const result = configSchema.safeParse(data, { error: describeIssue });
  if (result.success) return { ok: true, config: result.data };
  const lineOf = (path: readonly PropertyKey[]) => findLine(doc, counter, path);
  return { ok: false, errors: sortConfigErrors(buildSchemaErrors(file, result.error.issues, findKnownKeys, lineOf)) };
}

/** The built-in configuration for `subsystem` (what the CLI uses when a repository has no file). */
export function defaultConfig(subsystem: string): Config {
  const result = configSchema.safeParse({ subsystem }, { error: describeIssue });
  if (!result.success) {
    throw new InputError(
      "bad-config",
      `subsystem ${JSON.stringify(subsystem)}: ${result.error.issues.map((issue) => issue.message).join("; ")}`,
    );
  }
  return result.data;
}

/** The JSON schema editors use (draft 2020-12, input side: defaults shown, nothing but `subsystem` required). */
export function renderConfigJsonSchema(): string {
  const schema = z.toJSONSchema(configSchema, { target: "draft-2020-12", io: "input" });
  return `${JSON.stringify(schema, null, 2)}\n`;
}

function fail(error: ConfigError): ConfigResult {
  return { ok: false, errors: [error] };
}

/** The keys the schema's map at `path` knows (for "did you mean …?"). */
function findKnownKeys(path: readonly PropertyKey[]): readonly string[] | undefined {
  let schema: z.core.$ZodType | undefined = configObjectSchema;
  for (const part of path) {
    const shape = shapeOf(schema);
    schema = shape?.[String(part)];
    if (!schema) return undefined;
  }
  const shape = shapeOf(schema);
  return shape ? Object.keys(shape) : undefined;
}

/** The object schema inside `schema`, unwrapping defaults, prefaults, nullables and optionals (zod's public API). */
function shapeOf(schema: z.core.$ZodType | undefined): Record<string, z.core.$ZodType> | undefined {
  let current = schema;
  for (let depth = 0; current && depth < 5; depth++) {
    if (current instanceof z.ZodObject) return current.shape;
    if (
      current instanceof z.ZodDefault ||
      current instanceof z.ZodPrefault ||
      current instanceof z.ZodNullable ||
      current instanceof z.ZodOptional
    )
      current = current.unwrap();
    else return undefined;
  }
  return undefined;
}
