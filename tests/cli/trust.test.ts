// Trust as git sees it (CLI only): no allowlist → a good signature by a key the user's keyring holds valid passes,
// naming the signer; an imported, uncertified key does not; an allowlist pins keys; check-tag and tag-name say what
// the push remote lacks.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { addBareRemote, PAUL } from "../fixtures/kernel-repo.ts";
import { createGpgKey, createPublicKeyring, stopGpgAgent, type GpgKey } from "../fixtures/keys.ts";
import { checkTag, parseVerifyOutput } from "../../src/domain/tag-check.ts";
import { buildWorld, createTempDir, git, parseJson, removeDir, runCli, writeRepoFile } from "./cli-world.ts";

const TAG = "selinux-pr-20240312";
const AT = "2024-03-13T12:00:00Z";

describe("check-tag trusts the keyring when no allowlist is configured", () => {
  let dir: string;
  let key: GpgKey;
  let other: GpgKey;
  let publicOnly: string;
  let repo: string;

  before(() => {
    dir = createTempDir("trust");
    key = createGpgKey(join(dir, "keys"), { name: PAUL.name, email: PAUL.email });
    other = createGpgKey(join(dir, "keys"), { name: "Someone Else", email: "else@example.org" });
    publicOnly = createPublicKeyring(join(dir, "keys"), key);
    repo = buildWorld(dir, { from: "v6.7", to: "v6.8" }, [
      { kind: "branch", name: "next", from: "v6.8-rc1" },
      { kind: "patches", branch: "next", patches: [{ subject: "selinux: one", date: "2024-01-25 17:55:45 -0500" }] },
      { kind: "branch", name: "stable-6.9", from: "next" },
      {
        kind: "tag",
        name: TAG,
        at: "stable-6.9",
        date: "2024-03-12 19:02:11 -0400",
        message: "selinux/stable-6.9 PR 20240312",
        signedBy: key,
      },
    ]).subsystem.dir;
    writeRepoFile(repo, ".github/merge-window.yml", "subsystem: selinux\n");
    addBareRemote(repo, join(dir, "selinux.git"));
  });
  after(() => {
    for (const home of [key.gnupgHome, other.gnupgHome, publicOnly]) stopGpgAgent(home);
    removeDir(dir);
  });

  it("the maintainer's own keyring (ultimate trust): valid, naming uid and fingerprint and the setting", async () => {
    const result = await runCli(["check-tag", TAG, "--repo", repo, "--at", AT], { env: { GNUPGHOME: key.gnupgHome } });
    assert.equal(result.code, 0, result.stdout + result.stderr);
    assert.match(result.stdout, /^selinux-pr-20240312: valid \(on stable-6\.9\)\n/);
    assert.ok(
      result.stdout.includes(
        `  signer: good signature by ${PAUL.name} <${PAUL.email}> (key ${key.fingerprint}), trusted by your ` +
          `keyring; set signing.allowedSigners to pin keys\n`,
      ),
      result.stdout,
    );
    assert.match(result.stdout, /  selinux-pr-20240312 is on origin\n/);
  });

  it("a keyring that only imported the key (trust undefined): invalid, naming the signer and what to do", async () => {
    const result = await runCli(["check-tag", TAG, "--repo", repo, "--at", AT, "--json"], {
      env: { GNUPGHOME: publicOnly },
    });
    assert.equal(result.code, 1);
    const report = parseJson(result);
    assert.equal(report.valid, false);
    assert.deepEqual(
      report.problems.map((problem: { code: string }) => problem.code),
      ["signer-not-allowed"],
    );
    assert.match(
      report.problems[0].message,
      new RegExp(
        `good signature by ${PAUL.name} <${PAUL.email}> \\(key ${key.fingerprint}\\), but your keyring does ` +
          `not hold that key valid \\(trust undefined\\)`,
      ),
    );
  });

  it("with an allowlist only listed keys pass, even if the keyring trusts the signer", async () => {
    const config = writeRepoFile(
      repo,
      "pinned.yml",
      `subsystem: selinux\nsigning:\n  allowedSigners: ["${other.fingerprint}"]\n`,
    );
    const result = await runCli(["check-tag", TAG, "--repo", repo, "--at", AT, "--config", config], {
      env: { GNUPGHOME: key.gnupgHome },
    });
    assert.equal(result.code, 1);
    assert.match(
      result.stdout,
      new RegExp(
        `signer-not-allowed: tag ${TAG} is signed by ${PAUL.name} <${PAUL.email}> ` +
          `\\(key ${key.fingerprint}\\), which is not among signing.allowedSigners`,
      ),
    );
  });

  it("the app's policy (no trustKeyring) still requires an allowlist", () => {
    const output = [
      `[GNUPG:] GOODSIG ${key.keyId} ${PAUL.name} <${PAUL.email}>`,
      `[GNUPG:] VALIDSIG ${key.fingerprint} 2024-03-12 1710284531 0 4 0 22 10 00 ${key.fingerprint}`,
      "[GNUPG:] TRUST_ULTIMATE 0 pgp",
    ].join("\n");
    const signature = parseVerifyOutput(output);
    assert.equal(signature.trust, "ultimate");
    assert.equal(signature.signer, `${PAUL.name} <${PAUL.email}>`);
    const facts = {
      name: TAG,
      exists: true,
      annotated: true,
      object: "a".repeat(40),
      commit: "b".repeat(40),
      taggerDate: new Date("2024-03-12T23:02:11Z"),
      subject: "selinux/stable-6.9 PR 20240312",
      hasSignature: true,
      signature,
      containingBranches: ["stable-6.9"],
    };
    const policy = {
      subsystem: "selinux",
      tagTemplate: "{subsystem}-pr-{date}",
      messageTemplate: "{subsystem}/stable-{version} PR {date}",
      stableTemplate: "stable-{version}",
      timeZone: "America/New_York",
    };
    const now = new Date(AT);
    assert.deepEqual(checkTag(facts, { ...policy, trustKeyring: true }, now).problems, []);
    assert.deepEqual(
      checkTag(facts, policy, now).problems.map((problem) => problem.code),
      ["signer-not-allowed"],
    );
  });

  it("check-tag and tag-name say when the tag or the branch tip is not on the push remote", async () => {
    git(repo, ["tag", "-a", "-m", "selinux/stable-6.9 PR 20240314", "selinux-pr-20240314", "stable-6.9"]);
    const env = { GNUPGHOME: key.gnupgHome };
    const unpushed = await runCli(["check-tag", "selinux-pr-20240314", "--repo", repo, "--at", AT], { env });
    assert.equal(unpushed.code, 1);
    assert.match(
      unpushed.stdout,
      /^  warning: selinux-pr-20240314 \([0-9a-f]{12}\) is not on origin: it is not there; push it first$/m,
    );
    const before = git(repo, ["rev-parse", "stable-6.9"]);
    git(repo, ["checkout", "-q", "stable-6.9"]);
    git(repo, ["commit", "-q", "--allow-empty", "-m", "selinux: local fix"]);
    git(repo, ["checkout", "-q", "--detach"]);
    const name = await runCli(["tag-name", "--repo", repo, "--at", AT], { env });
    assert.equal(name.code, 0, name.stderr);
    assert.equal(
      name.stderr,
      `warning: stable-6.9 (${git(repo, ["rev-parse", "stable-6.9"]).slice(0, 12)}) is not on origin: it ` +
        `points at ${before.slice(0, 12)} there; push it first\n`,
    );
    const json = parseJson(await runCli(["tag-name", "--repo", repo, "--at", AT, "--json"], { env }));
    assert.equal(json.onRemote, false);
    assert.equal(json.branch, "stable-6.9");
  });
});
