// What the server checks and remembers at start: MERGE_WINDOW_SIGNING_KEY by the git layer's own rules, and the
// app's slug, asked once but not remembered when asking failed.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Probot } from "probot";
import { createProbotAccess } from "../../src/app/probot-app.ts";
import { parseSigningKey } from "../../src/app/main.ts";

test("MERGE_WINDOW_SIGNING_KEY: what the signer would refuse later is refused at start, naming the variable", (t) => {
  const dir = mkdtempSync(join(tmpdir(), "mw-startup-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const key = join(dir, "id_ed25519");
  const spaced = join(dir, "my key");
  writeFileSync(key, "");
  writeFileSync(spaced, "");
  assert.equal(parseSigningKey(undefined), null);
  assert.deepEqual(parseSigningKey("gpg:0x0123456789abcdef"), { kind: "gpg", keyId: "0123456789ABCDEF" });
  assert.deepEqual(parseSigningKey(`ssh:${key}`), { kind: "ssh", keyFile: key });
  for (const bad of [
    "gpg:DEADBEEF",
    "gpg:",
    "DEADBEEFDEADBEEF",
    "ssh:relative/key",
    `ssh:${join(dir, "missing")}`,
    `ssh:${spaced}`,
    "pgp:0123456789ABCDEF",
  ]) {
    assert.throws(() => parseSigningKey(bad), /^Error: MERGE_WINDOW_SIGNING_KEY /, bad);
  }
});

test("a failed lookup of the app's slug is retried by the next run instead of failing every run", async () => {
  let asked = 0;
  const octokit = {
    request: async () => {
      asked++;
      if (asked === 1) throw new Error("connect ECONNRESET");
      return { data: { slug: "merge-window-test" } };
    },
    auth: async () => ({ token: "ghs_installation" }),
  };
  const app = { auth: async () => octokit } as unknown as Probot;
  const access = createProbotAccess(app, "https://github.com");
  await assert.rejects(access.installation(1), /ECONNRESET/);
  assert.equal((await access.installation(1)).token, "ghs_installation");
  await access.installation(2);
  assert.equal(asked, 2, "asked again after the failure, then remembered");
});
