// Scenario 27: the signature matrix on real signed tags (throwaway GPG and SSH keys, real git verify-tag): a tag is
// accepted only when local verification succeeds and the signer is allowlisted.
//
// Not covered, and why: GitHub's `verification.reason` values (gpgverify_unavailable, gpgverify_error, unknown_key,
// no_user, unverified_email, bad_email) and `verified: true` from a non-maintainer are never read: the app verifies
// locally with git and its own allowlist, so GitHub's verdict cannot make a tag valid or invalid. A local failure to
// run the verifier (status `error`) is `cannot-verify`, not a signature problem; there is no "pending, will retry"
// wording, the next scheduled check simply re-verifies.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { buildGitEnv } from "../../src/adapters/git/runner.ts";
import type { GitLayer } from "../../src/adapters/git/index.ts";
import { defaultConfig } from "../../src/config/load.ts";
import { buildTagPolicy, verifyTag } from "../../src/observe.ts";
import { createGpgKey, createSshKey, signPayload, stopGpgAgent, type SigningKey } from "../fixtures/keys.ts";
import { createWorld, git, type World } from "../adapters/git/git-world.ts";

const NOW = new Date("2024-03-13T09:00:00Z");
const AT = Math.floor(new Date("2024-03-12T18:00:00Z").getTime() / 1000);
const MESSAGE = "selinux/stable-6.8 PR 20240312";

let world: World;
let layer: GitLayer;
let allowedSigners: string;
let allowedFingerprints: string[] = [];
const homes: string[] = [];

/** Writes and pushes tag `name` on stable-6.8's tip, signed by `key` (or unsigned), optionally edited after signing. */
function makeTag(name: string, key: SigningKey | null, tamper = false): void {
  const commit = world.sha("stable-6.8", world.maint);
  const payload =
    `object ${commit}\ntype commit\ntag ${name}\n` +
    `tagger Paul Moore <paul@paul-moore.com> ${AT} +0000\n\n${MESSAGE}\n`;
  const signature = key ? signPayload(key, payload) : "";
  const body = tamper ? payload.replace("PR 20240312\n", "PR 20240312\n\nEdited after signing.\n") : payload;
  const input = body + signature;
  const object = execFileSync("git", ["mktag"], { cwd: world.maint, env: buildGitEnv(), input, encoding: "utf8" });
  git(world.maint, ["update-ref", `refs/tags/${name}`, object.trim()]);
  git(world.maint, ["push", "-q", "origin", `refs/tags/${name}`]);
}

function gpg(home: string, args: string[], input?: Buffer | string): Buffer {
  return execFileSync("gpg", ["--batch", "--quiet", ...args], {
    env: { ...process.env, GNUPGHOME: home },
    input,
    stdio: ["pipe", "pipe", "ignore"],
  });
}

before(() => {
  world = createWorld();
  const keys = join(world.root, "keys");
  mkdirSync(keys);
  const good = createGpgKey(keys, { name: "Paul Moore", email: "paul@paul-moore.com" });
  const notAllowed = createGpgKey(keys, { name: "Someone Else", email: "else@example.org" });
  const stranger = createGpgKey(keys, { name: "Stranger", email: "stranger@example.org" });
  const expired = createGpgKey(keys, { name: "Old Key", email: "old@example.org", expired: true });
  const revoked = createGpgKey(keys, { name: "Revoked Key", email: "revoked@example.org" });
  const ssh = createSshKey(join(keys, "ssh-good"), { comment: "paul@paul-moore.com" });
  const sshStranger = createSshKey(join(keys, "ssh-stranger"), { comment: "mallory@example.org" });
  // The keyring the app verifies with knows every GPG key but the stranger's; every key is allowlisted by
  // fingerprint except `notAllowed`, so a refusal below is for the reason the row names.
  const verifyHome = join(keys, "verify");
  mkdirSync(verifyHome, { mode: 0o700 });
  homes.push(good.gnupgHome, notAllowed.gnupgHome, stranger.gnupgHome, expired.gnupgHome, revoked.gnupgHome);
  homes.push(verifyHome);
  for (const key of [good, notAllowed, expired, revoked]) {
    gpg(verifyHome, ["--import"], gpg(key.gnupgHome, ["--export", "--armor", key.fingerprint]));
  }
  // gpg wrote a revocation certificate when it made the key; importing it revokes the key in the app's keyring.
  const revs = join(revoked.gnupgHome, "openpgp-revocs.d");
  const cert = readFileSync(join(revs, readdirSync(revs)[0]!), "utf8").replace(/^:-----BEGIN/m, "-----BEGIN");
  gpg(verifyHome, ["--import"], cert);
  allowedSigners = ssh.allowedSignersPath();

  world.commit("selinux: fix", { "security/selinux/fix.c": "int fix;\n" });
  git(world.maint, ["branch", "stable-6.8"]);
  world.push("stable-6.8");
  git(world.maint, ["tag", "selinux-pr-20240312", "stable-6.8"]); // lightweight
  git(world.maint, ["push", "-q", "origin", "refs/tags/selinux-pr-20240312"]);
  makeTag("selinux-pr-20240312-2", null);
  makeTag("selinux-pr-20240312-3", good);
  makeTag("selinux-pr-20240312-4", notAllowed);
  makeTag("selinux-pr-20240312-5", stranger);
  makeTag("selinux-pr-20240312-6", expired);
  makeTag("selinux-pr-20240312-7", revoked);
  makeTag("selinux-pr-20240312-8", ssh);
  makeTag("selinux-pr-20240312-9", sshStranger);
  makeTag("selinux-pr-20240312-10", good, true);
  layer = world.layer({ env: { GNUPGHOME: verifyHome } });
  allowedFingerprints = [good.fingerprint, stranger.fingerprint, expired.fingerprint, revoked.fingerprint];
});
after(() => {
  for (const home of homes) stopGpgAgent(home);
  world.cleanup();
});

test("s27: only a locally verified signature by an allowlisted key is accepted", async () => {
  await layer.observe();
  const policy = { ...buildTagPolicy(defaultConfig("selinux")), allowedFingerprints };
  const rows: [string, string, string[]][] = [
    ["lightweight", "selinux-pr-20240312", ["lightweight"]],
    ["annotated, unsigned", "selinux-pr-20240312-2", ["unsigned"]],
    ["GPG, allowlisted", "selinux-pr-20240312-3", []],
    ["GPG, valid key not allowlisted", "selinux-pr-20240312-4", ["signer-not-allowed"]],
    ["GPG, allowlisted but not in the keyring", "selinux-pr-20240312-5", ["unknown-key"]],
    ["GPG, expired key", "selinux-pr-20240312-6", ["expired-key"]],
    ["GPG, revoked key", "selinux-pr-20240312-7", ["revoked-key"]],
    ["SSH, in allowed_signers", "selinux-pr-20240312-8", []],
    ["SSH, not in allowed_signers", "selinux-pr-20240312-9", ["signer-not-allowed"]],
    ["tampered payload", "selinux-pr-20240312-10", ["bad-signature"]],
  ];
  for (const [what, name, expected] of rows) {
    const verdict = await verifyTag(layer, name, { policy, now: NOW, allowedSignersFile: allowedSigners });
    const codes = verdict.problems.map((problem) => problem.code).sort();
    assert.deepEqual(codes, expected, `${what} (${name}): ${JSON.stringify(verdict.problems)}`);
    assert.equal(verdict.valid, expected.length === 0, what);
  }
});
