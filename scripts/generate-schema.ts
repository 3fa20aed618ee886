// Writes config/merge-window.schema.json from the zod config schema; `--check` only reports whether it is stale.
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { renderConfigJsonSchema } from "../src/config/load.ts";

/** The committed JSON schema, next to the example configs that reference it. */
const SCHEMA_FILE = fileURLToPath(new URL("../config/merge-window.schema.json", import.meta.url));

function readCommitted(): string | undefined {
  try {
    return readFileSync(SCHEMA_FILE, "utf8");
  } catch {
    return undefined;
  }
}

const generated = renderConfigJsonSchema();
if (process.argv.includes("--check")) {
  if (readCommitted() !== generated) {
    console.error(`${SCHEMA_FILE} is stale: run npm run schema`);
    process.exit(1);
  }
  console.log(`${SCHEMA_FILE} is up to date`);
} else {
  writeFileSync(SCHEMA_FILE, generated);
  console.log(`wrote ${SCHEMA_FILE}`);
}
