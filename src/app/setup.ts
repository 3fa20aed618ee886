// `npm start -- --setup`: .env loading as Probot does it, and the webhook URL the registered app will call.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createInterface } from "node:readline/promises";
import { parseEnv } from "node:util";
import { parseDocument } from "yaml";

export const WEBHOOK_PATH = "/api/github/webhooks";
const PLACEHOLDER_HOST = "example.invalid";

/**
 * Loads `<dir>/.env` into `env` exactly as Probot's run() will (the file's values win over exported ones), so
 * the credentials check sees what Probot will see. Returns the names it set.
 */
export function loadDotEnv(dir: string, env: NodeJS.ProcessEnv = process.env): string[] {
  const path = join(dir, ".env");
  if (!existsSync(path)) return [];
  const values = parseEnv(readFileSync(path, "utf8"));
  Object.assign(env, values);
  return Object.keys(values);
}

/** The value of `--webhook-url <url>` or `--webhook-url=<url>`; undefined when absent. */
export function readWebhookUrlArg(argv: readonly string[]): string | undefined {
  const index = argv.findIndex((arg) => arg === "--webhook-url" || arg.startsWith("--webhook-url="));
  if (index < 0) return undefined;
  const arg = argv[index]!;
  return arg.includes("=") ? arg.slice(arg.indexOf("=") + 1) : (argv[index + 1] ?? "");
}

/** The URL GitHub will post webhooks to: https, a real host; a bare origin gets Probot's webhook path. */
export function normalizeWebhookUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new Error(`--webhook-url ${JSON.stringify(value)}: not a URL (expected https://your.host${WEBHOOK_PATH})`);
  }
  if (url.protocol !== "https:")
    throw new Error(`--webhook-url ${JSON.stringify(value)}: GitHub needs an https:// URL it can reach`);
  if (url.hostname === PLACEHOLDER_HOST || url.hostname === "localhost" || url.hostname.startsWith("127."))
    throw new Error(
      `--webhook-url ${JSON.stringify(value)}: GitHub cannot reach ${url.hostname}; give the public URL or a proxy`,
    );
  if (url.pathname === "/") url.pathname = WEBHOOK_PATH;
  return url.toString();
}

/** Writes `url` as app.yml's hook_attributes.url (comments kept); returns the file's new text. */
export function writeManifestWebhookUrl(manifestPath: string, url: string): string {
  const doc = parseDocument(readFileSync(manifestPath, "utf8"));
  doc.setIn(["hook_attributes", "url"], url);
  const text = doc.toString();
  writeFileSync(manifestPath, text);
  return text;
}

/** Asks for the URL on a terminal; elsewhere there is no one to ask and the flag is required. */
export async function askWebhookUrl(input: NodeJS.ReadStream = process.stdin): Promise<string> {
  if (!input.isTTY)
    throw new Error(
      `--setup needs the public URL GitHub will send webhooks to: npm start -- --setup --webhook-url ` +
        `https://your.host${WEBHOOK_PATH}` +
        " (or a webhook proxy such as https://smee.io/<channel>)",
    );
  const rl = createInterface({ input, output: process.stdout });
  try {
    return await rl.question(`Public URL for GitHub's webhooks (https://your.host${WEBHOOK_PATH} or a proxy): `);
  } finally {
    rl.close();
  }
}
