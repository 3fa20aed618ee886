// Signed tags on real repositories with throwaway GPG/SSH keys: creating, pushing and checking (C5, C6).
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { buildGitEnv } from "../../../src/adapters/git/runner.ts";
import type { GitLayer } from "../../../src/adapters/git/index.ts";
import { InputError } from "../../../src/domain/errors.ts";
import type { TagPolicy } from "../../../src/domain/tag-check.ts";
import { dateStampOf } from "../../../src/domain/time.ts";
import {
  createGpgKey,
  createSshKey,
  signPayload,
  stopGpgAgent,
  type GpgKey,
  type SigningKey,
  type SshKey,
} from "../../fixtures/keys.ts";
import { createWorld, git, type World } from "./git-world.ts";
import { defaultConfig } from "../../../src/config/load.ts";
import { buildTagPolicy, verifyTag } from "../../../src/observe.ts";

// The policy the app derives from the default configuration.
const POLICY: TagPolicy = buildTagPolicy(defaultConfig("selinux"));
const TAGGED_AT = new Date("2024-03-12T18:00:00Z");
const NOW = new Date("2024-03-13T09:00:00Z");

describe("tags", () => {
  let world: World;
  let verifyHome: string;
  let good: GpgKey;
  let other: GpgKey;
  let stranger: GpgKey;
  let expired: GpgKey;
  let sshGood: SshKey;
  let sshStranger: SshKey;
  let allowedSigners: string;
  let layer: GitLayer;
  let onStable: string;
  let onlyOnNext: string;
  const homes: string[] = [];

  /** Writes a tag object with a fixed tagger date (signed by `key` unless null), then pushes it to origin. */
  function makeTag(
    name: string,
    message: string,
    options: { key?: SigningKey | null; commit?: string; at?: Date; tamper?: boolean } = {},
  ): void {
    const commit = options.commit ?? onStable;
    const at = Math.floor((options.at ?? TAGGED_AT).getTime() / 1000);
    const payload =
      `object ${commit}\ntype commit\ntag ${name}\ntagger Paul Moore <paul@paul-moore.com> ${at} +0000\n` +
      `\n${message}\n`;
    const signature = options.key ? signPayload(options.key, payload) : "";
    const body = options.tamper ? payload.replace(`${message}\n`, `${message}\n\nEdited after signing.\n`) : payload;
    const object = execFileSync("git", ["mktag"], {
      cwd: world.maint,
      env: buildGitEnv(),
      input: body + signature,
      encoding: "utf8",
    }).trim();
    git(world.maint, ["update-ref", `refs/tags/${name}`, object]);
    git(world.maint, ["push", "-q", "origin", `refs/tags/${name}`]);
  }

  async function codes(name: string): Promise<string[]> {
    const verdict = await verifyTag(layer, name, {
      policy: { ...POLICY, allowedFingerprints: [good.fingerprint] },
      now: NOW,
      allowedSignersFile: allowedSigners,
    });
    return verdict.problems.map((problem) => problem.code).sort();
  }

  before(async () => {
    world = createWorld();
    const keys = join(world.root, "keys");
    mkdirSync(keys);
    good = createGpgKey(keys, { name: "Paul Moore", email: "paul@paul-moore.com" });
    other = createGpgKey(keys, { name: "Someone Else", email: "else@example.org" });
    stranger = createGpgKey(keys, { name: "Stranger", email: "stranger@example.org" });
    expired = createGpgKey(keys, { name: "Old Key", email: "old@example.org", expired: true });
    homes.push(good.gnupgHome, other.gnupgHome, stranger.gnupgHome, expired.gnupgHome);
    // The keyring the app verifies with knows good, other and expired, but not stranger.
    verifyHome = join(keys, "verify");
    mkdirSync(verifyHome, { mode: 0o700 });
    homes.push(verifyHome);
    for (const key of [good, other, expired]) {
      const exported = execFileSync("gpg", ["--batch", "--export", "--armor", key.fingerprint], {
        env: { ...process.env, GNUPGHOME: key.gnupgHome },
      });
      execFileSync("gpg", ["--batch", "--quiet", "--import"], {
        env: { ...process.env, GNUPGHOME: verifyHome },
        input: exported,
        stdio: ["pipe", "ignore", "ignore"],
      });
    }
    sshGood = createSshKey(join(keys, "ssh-good"), { comment: "paul@paul-moore.com" });
    sshStranger = createSshKey(join(keys, "ssh-stranger"), { comment: "mallory@example.org" });
    allowedSigners = sshGood.allowedSignersPath();
    world.commit("selinux: fix", { "security/selinux/fix.c": "int fix;\n" });
    onStable = world.sha("HEAD", world.maint);
    git(world.maint, ["branch", "stable-6.8"]);
    world.push("stable-6.8");
    onlyOnNext = world.commit("selinux: for next only", { "security/selinux/next.c": "int next;\n" });
    world.push("next");
    makeTag("selinux-pr-20240312", "selinux/stable-6.8 PR 20240312", { key: good });
    makeTag("selinux-pr-20240312-2", "selinux/stable-6.8 PR 20240312", { key: sshGood });
    git(world.maint, ["tag", "selinux-pr-20240311", onStable]);
    git(world.maint, ["push", "-q", "origin", "refs/tags/selinux-pr-20240311"]);
    makeTag("selinux-pr-20240312-3", "selinux/stable-6.8 PR 20240312", { key: null });
    makeTag("selinux-pr-20240312-4", "selinux/stable-6.8 PR 20240312", { key: other });
    makeTag("selinux-pr-20240312-5", "selinux/stable-6.8 PR 20240312", { key: stranger });
    makeTag("selinux-pr-20240312-6", "selinux/stable-6.8 PR 20240312", { key: expired });
    makeTag("selinux-pr-20240312-7", "selinux/stable-6.8 PR 20240312", { key: good, tamper: true });
    makeTag("selinux-pr-20240312-8", "selinux/stable-6.8 PR 20240312", { key: sshStranger });
    makeTag("selinux-pr-20240301", "selinux/stable-6.8 PR 20240301", { key: good });
    makeTag("selinux-pr-20240320", "selinux/stable-6.8 PR 20240320", { key: good });
    makeTag("selinux-pr-20240230", "selinux/stable-6.8 PR 20240230", { key: good });
    makeTag("audit-pr-20240312", "selinux/stable-6.8 PR 20240312", { key: good });
    makeTag("selinux-pr-20240312-9", "selinux/stable-6.8 PR 20240312", { key: good, commit: onlyOnNext });
    makeTag("selinux-pr-20240312-10", "selinux/stable-6.9 PR 20240312", { key: good });
    makeTag("selinux-pr-20240312-11", "please pull", { key: good });
    makeTag("selinux-pr-20240312-12", "selinux/stable-6.8 PR 20240311", { key: good });
    layer = world.layer({ env: { GNUPGHOME: verifyHome } });
    await layer.observe();
  });
  after(() => {
    for (const home of homes) stopGpgAgent(home);
    world.cleanup();
  });

  it("accepts a tag signed by an allowed GPG key on the stable branch its message names", async () => {
    const verdict = await verifyTag(layer, "selinux-pr-20240312", {
      policy: { ...POLICY, allowedFingerprints: [good.fingerprint] },
      now: NOW,
    });
    assert.deepEqual(verdict, { valid: true, problems: [], stableBranch: "stable-6.8" });
    const facts = await layer.readTagFacts("selinux-pr-20240312");
    assert.equal(facts.signature?.format, "gpg");
    assert.ok(facts.signature?.fingerprints.includes(good.fingerprint));
    assert.equal(facts.taggerDate?.getTime(), TAGGED_AT.getTime());
  });

  it("accepts a tag signed by an SSH key of the allowed signers file", async () => {
    assert.deepEqual(await codes("selinux-pr-20240312-2"), []);
    assert.equal(
      (await layer.readTagFacts("selinux-pr-20240312-2", { allowedSignersFile: allowedSigners })).signature?.principal,
      "paul@paul-moore.com",
    );
  });

  const table: [string, string, string[]][] = [
    ["lightweight", "selinux-pr-20240311", ["lightweight"]],
    ["annotated, unsigned", "selinux-pr-20240312-3", ["unsigned"]],
    ["GPG key in the keyring but not allowed", "selinux-pr-20240312-4", ["signer-not-allowed"]],
    ["GPG key not in the keyring", "selinux-pr-20240312-5", ["unknown-key"]],
    ["expired GPG key", "selinux-pr-20240312-6", ["expired-key"]],
    ["message changed after signing", "selinux-pr-20240312-7", ["bad-signature"]],
    ["SSH key not in allowed signers", "selinux-pr-20240312-8", ["signer-not-allowed"]],
    ["name dated 11 days before the tagger date", "selinux-pr-20240301", ["date-far-from-tagger"]],
    ["name dated in the future", "selinux-pr-20240320", ["future-date"]],
    ["impossible date", "selinux-pr-20240230", ["impossible-date"]],
    ["another subsystem's name", "audit-pr-20240312", ["wrong-subsystem"]],
    ["commit on no stable branch", "selinux-pr-20240312-9", ["not-on-stable"]],
    ["message names another stable branch", "selinux-pr-20240312-10", ["message-mismatch"]],
    ["message of another shape", "selinux-pr-20240312-11", ["message-mismatch"]],
    ["message dated unlike the name", "selinux-pr-20240312-12", ["message-mismatch"]],
    ["no such tag", "selinux-pr-20240101", ["not-found"]],
  ];
  for (const [what, name, expected] of table) {
    it(`reports ${expected.join(", ")}: ${what}`, async () => {
      assert.deepEqual(await codes(name), expected);
    });
  }

  it("reports hostile names as problems without running git", async () => {
    for (const name of ["--upload-pack=x", "-u", "$(id)", "a..b"]) {
      world.spawns.length = 0;
      const verdict = await verifyTag(layer, name, { policy: POLICY, now: NOW });
      assert.equal(verdict.valid, false);
      assert.ok(verdict.problems.length > 0, name);
      assert.deepEqual(world.spawns, [], name);
    }
  });
});

describe("createSignedTag", () => {
  let world: World;
  const homes: string[] = [];
  after(() => {
    for (const home of homes) stopGpgAgent(home);
    world?.cleanup();
  });

  it("signs with GPG or SSH, pushes with an empty lease, never reuses a name, and the result verifies", async () => {
    world = createWorld();
    const keys = join(world.root, "keys");
    const gpg = createGpgKey(keys, { name: "merge-window", email: "merge-window@example.org" });
    homes.push(gpg.gnupgHome);
    const ssh = createSshKey(join(keys, "ssh"), { comment: "merge-window@example.org" });
    world.commit("selinux: fix", { "security/selinux/fix.c": "int fix;\n" });
    git(world.maint, ["branch", "stable-6.8"]);
    world.push("stable-6.8");
    world.push("next");
    const now = new Date();
    const stamp = dateStampOf(now, "UTC");
    const layer = world.layer({ env: { GNUPGHOME: gpg.gnupgHome } });
    await layer.observe();
    const sha = world.sha("refs/heads/stable-6.8");
    const policy = { ...POLICY, allowedFingerprints: [gpg.fingerprint] };

    world.spawns.length = 0;
    const signed = await layer.createSignedTag({
      name: `selinux-pr-${stamp}`,
      message: `selinux/stable-6.8 PR ${stamp}`,
      sha,
      signing: { kind: "gpg", keyId: gpg.fingerprint, gnupgHome: gpg.gnupgHome },
    });
    assert.equal(signed.status, "created", JSON.stringify(signed));
    assert.equal(world.sha(`refs/tags/selinux-pr-${stamp}`), signed.status === "created" ? signed.object : "");
    const push = world.spawns.find((argv) => argv.includes("push"))!;
    assert.ok(
      push.includes(`--force-with-lease=refs/tags/selinux-pr-${stamp}:`) && push.includes("--atomic"),
      push.join(" "),
    );
    const viaSsh = await layer.createSignedTag({
      name: `selinux-pr-${stamp}-2`,
      message: `selinux/stable-6.8 PR ${stamp}`,
      sha,
      signing: { kind: "ssh", keyFile: ssh.privateKeyPath },
    });
    assert.equal(viaSsh.status, "created", JSON.stringify(viaSsh));
    await layer.observe();
    assert.deepEqual(await verifyTag(layer, `selinux-pr-${stamp}`, { policy, now }), {
      valid: true,
      problems: [],
      stableBranch: "stable-6.8",
    });
    assert.deepEqual(
      (await verifyTag(layer, `selinux-pr-${stamp}-2`, { policy, now, allowedSignersFile: ssh.allowedSignersPath() }))
        .problems,
      [],
    );

    world.spawns.length = 0;
    const again = await layer.createSignedTag({
      name: `selinux-pr-${stamp}`,
      message: "x",
      sha,
      signing: { kind: "ssh", keyFile: ssh.privateKeyPath },
    });
    assert.equal(again.status === "refused" && again.code, "exists");
    assert.ok(!world.spawns.some((argv) => argv.includes("push") || argv.includes("tag")));
    await assert.rejects(
      layer.createSignedTag({ name: "-u", message: "x", sha, signing: { kind: "ssh", keyFile: ssh.privateKeyPath } }),
      InputError,
    );
    await assert.rejects(
      layer.createSignedTag({
        name: "ok-tag",
        message: "x",
        sha,
        signing: { kind: "ssh", keyFile: "-oProxyCommand=id" },
      }),
      InputError,
    );
    await assert.rejects(
      layer.createSignedTag({ name: "ok-tag", message: "x", sha, signing: { kind: "gpg", keyId: "--homedir=/tmp" } }),
      InputError,
    );
  });
});
