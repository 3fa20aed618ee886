// `npm start -- --setup`: the webhook URL the app is registered with, written into app.yml; .env read as Probot does.
import { test } from "node:test";
import assert from "node:assert/strict";
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parse } from "yaml";
import { findMissingCredentials } from "../../src/app/main.ts";
import { loadDotEnv, normalizeWebhookUrl, readWebhookUrlArg, writeManifestWebhookUrl } from "../../src/app/setup.ts";

const ROOT = resolve(import.meta.dirname, "../..");

test("--webhook-url: a public https URL, a bare origin gets the webhook path; placeholder, localhost refused", () => {
  assert.equal(readWebhookUrlArg(["--setup", "--webhook-url", "https://mw.example.org"]), "https://mw.example.org");
  assert.equal(readWebhookUrlArg(["--webhook-url=https://smee.io/abc"]), "https://smee.io/abc");
  assert.equal(readWebhookUrlArg(["--setup"]), undefined);
  assert.equal(normalizeWebhookUrl("https://mw.example.org"), "https://mw.example.org/api/github/webhooks");
  assert.equal(normalizeWebhookUrl("https://smee.io/abc"), "https://smee.io/abc");
  for (const bad of [
    "https://example.invalid/api/github/webhooks",
    "http://mw.example.org/",
    "https://localhost/",
    "mw",
  ])
    assert.throws(() => normalizeWebhookUrl(bad), /^Error: --webhook-url /, bad);
});

test("the manifest gets the URL, keeping everything else of app.yml", (t) => {
  const dir = mkdtempSync(join(tmpdir(), "mw-setup-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const manifest = join(dir, "app.yml");
  copyFileSync(join(ROOT, "app.yml"), manifest);
  const before = parse(readFileSync(manifest, "utf8")) as Record<string, unknown>;
  const text = writeManifestWebhookUrl(manifest, "https://mw.example.org/api/github/webhooks");
  const after = parse(text) as Record<string, unknown>;
  assert.deepEqual(after.hook_attributes, { url: "https://mw.example.org/api/github/webhooks" });
  assert.deepEqual({ ...after, hook_attributes: null }, { ...before, hook_attributes: null });
  assert.match(text, /# required by every app/, "comments kept");
});

test(".env is loaded before the credentials check, its values winning as in Probot", (t) => {
  const dir = mkdtempSync(join(tmpdir(), "mw-env-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const env: NodeJS.ProcessEnv = { APP_ID: "1" };
  assert.deepEqual(findMissingCredentials(env), ["PRIVATE_KEY or PRIVATE_KEY_PATH", "WEBHOOK_SECRET"]);
  writeFileSync(join(dir, ".env"), 'APP_ID=42\nPRIVATE_KEY="-----BEGIN RSA PRIVATE KEY-----\\nx"\nWEBHOOK_SECRET=s\n');
  assert.deepEqual(loadDotEnv(dir, env).sort(), ["APP_ID", "PRIVATE_KEY", "WEBHOOK_SECRET"]);
  assert.deepEqual(findMissingCredentials(env), []);
  assert.equal(env.APP_ID, "42");
  assert.deepEqual(loadDotEnv(join(dir, "nowhere"), env), []);
});
