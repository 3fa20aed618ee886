// The common simple config files read without zod (YAML only): `subsystem` and `signing.allowedSigners`/`mode`.
// Anything else, or anything wrong, gives null and the caller uses the full schema (src/config/load.ts), which
// reads every file and names every problem; for the files read here both give the same Config.
import { parseDocument } from "yaml";
import { isValidSubsystem } from "../domain/names.ts";
import { buildDefaultConfig } from "./defaults.ts";
import type { Config } from "./load.ts";
import { findDeepNesting, MAX_CONFIG_LENGTH } from "./nesting.ts";

const FINGERPRINT = /^[0-9A-Fa-f]{40}$/;
const SIGNING_MODES = ["maintainer", "app"] as const;

/** The Config of a simple file, or null when the file needs the full schema (other keys, or any problem). */
export function readSimpleConfig(yamlText: string): Config | null {
  if (yamlText.length > MAX_CONFIG_LENGTH || findDeepNesting(yamlText) !== null) return null;
  const doc = parseDocument(yamlText, { uniqueKeys: true });
  if (doc.errors.length > 0 || doc.warnings.length > 0) return null;
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: 50 });
  } catch {
    return null;
  }
  if (!isPlainObject(data) || !hasOnlyKeys(data, ["subsystem", "signing"])) return null;
  const { subsystem, signing = {} } = data;
  if (typeof subsystem !== "string" || !isValidSubsystem(subsystem)) return null;
  if (!isPlainObject(signing) || !hasOnlyKeys(signing, ["allowedSigners", "mode"])) return null;
  const { allowedSigners = [], mode = "maintainer" } = signing;
  if (
    !Array.isArray(allowedSigners) ||
    !allowedSigners.every((key) => typeof key === "string" && FINGERPRINT.test(key))
  )
    return null;
  if (!SIGNING_MODES.includes(mode as (typeof SIGNING_MODES)[number])) return null;
  const defaults = buildDefaultConfig(subsystem);
  const config: Config = {
    ...defaults,
    signing: {
      ...defaults.signing,
      mode: mode as Config["signing"]["mode"],
      allowedSigners: allowedSigners as string[],
    },
  };
  // No cross-field rule (src/config/rules.ts) can fail here: names, deadlines and switches keep their defaults,
  // and the default branch templates have no `{subsystem}` to fill in.
  return config;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function hasOnlyKeys(value: Record<string, unknown>, allowed: readonly string[]): boolean {
  return Object.keys(value).every((key) => allowed.includes(key));
}
