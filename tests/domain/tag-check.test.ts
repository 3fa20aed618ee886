// Tag validation as a table: facts → problem codes, and git verify-tag output → signature facts; no git involved.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  checkTag,
  parseVerifyOutput,
  type SignatureFacts,
  type TagCheckFacts,
  type TagPolicy,
} from "../../src/domain/tag-check.ts";
import { defaultConfig } from "../../src/config/load.ts";
import { buildTagPolicy } from "../../src/observe.ts";

const FPR = "430B84D9C6946F03E808B5AEAA2288ADDD768881";
// The policy the app derives from the default configuration, with one allowed GPG signer.
const POLICY: TagPolicy = {
  ...buildTagPolicy(defaultConfig("selinux")),
  allowedFingerprints: [FPR.toLowerCase().replace(/(.{4})/g, "$1 ")],
};
const NOW = new Date("2024-03-13T09:00:00Z");
const GOOD_GPG: SignatureFacts = { format: "gpg", status: "good", fingerprints: [FPR], principal: null, detail: "" };
const GOOD: TagCheckFacts = {
  name: "selinux-pr-20240312",
  exists: true,
  annotated: true,
  object: "1".repeat(40),
  commit: "2".repeat(40),
  taggerDate: new Date("2024-03-12T23:02:11Z"),
  subject: "selinux/stable-6.9 PR 20240312",
  hasSignature: true,
  signature: GOOD_GPG,
  containingBranches: ["stable-6.9", "stable-6.10"],
};

describe("checkTag", () => {
  const rows: [string, Partial<TagCheckFacts>, string[]][] = [
    ["a good tag", {}, []],
    ["a second tag of the day", { name: "selinux-pr-20240312-2" }, []],
    ["missing", { exists: false }, ["not-found"]],
    [
      "lightweight (no message check)",
      { annotated: false, subject: "", hasSignature: false, signature: null, taggerDate: null },
      ["lightweight"],
    ],
    ["unsigned", { hasSignature: false, signature: null }, ["unsigned"]],
    ["bad signature", { signature: { ...GOOD_GPG, status: "bad" } }, ["bad-signature"]],
    ["expired key", { signature: { ...GOOD_GPG, status: "expired-key" } }, ["expired-key"]],
    ["revoked key", { signature: { ...GOOD_GPG, status: "revoked-key" } }, ["revoked-key"]],
    ["unknown key", { signature: { ...GOOD_GPG, status: "unknown-key", fingerprints: [] } }, ["unknown-key"]],
    ["GPG signer not allowed", { signature: { ...GOOD_GPG, fingerprints: ["F".repeat(40)] } }, ["signer-not-allowed"]],
    [
      "allowed via the primary key of a subkey signature",
      { signature: { ...GOOD_GPG, fingerprints: ["E".repeat(40), FPR] } },
      [],
    ],
    [
      "SSH signer matched",
      {
        signature: {
          format: "ssh",
          status: "good",
          fingerprints: ["SHA256:x"],
          principal: "paul@paul-moore.com",
          detail: "",
        },
      },
      [],
    ],
    [
      "SSH signer unmatched",
      { signature: { format: "ssh", status: "no-principal", fingerprints: ["SHA256:x"], principal: null, detail: "" } },
      ["signer-not-allowed"],
    ],
    [
      "unverifiable",
      {
        signature: { format: "ssh", status: "error", fingerprints: [], principal: null, detail: "no allowed signers" },
      },
      ["cannot-verify"],
    ],
    ["not on a stable branch", { containingBranches: ["next"] }, ["not-on-stable"]],
    ["message names another stable branch", { subject: "selinux/stable-6.8 PR 20240312" }, ["message-mismatch"]],
    ["message of another shape", { subject: "Please pull" }, ["message-mismatch"]],
    ["message for another subsystem", { subject: "audit/stable-6.9 PR 20240312" }, ["message-mismatch"]],
    ["message dated unlike the name", { subject: "selinux/stable-6.9 PR 20240311" }, ["message-mismatch"]],
    ["future date", { name: "selinux-pr-20240314", subject: "selinux/stable-6.9 PR 20240314" }, ["future-date"]],
    [
      "far from the tagger date",
      { name: "selinux-pr-20240305", subject: "selinux/stable-6.9 PR 20240305" },
      ["date-far-from-tagger"],
    ],
    [
      "impossible date",
      { name: "selinux-pr-20240231", subject: "selinux/stable-6.9 PR 20240231" },
      ["impossible-date"],
    ],
    ["another subsystem's name", { name: "audit-pr-20240312" }, ["wrong-subsystem"]],
    ["another shape", { name: "selinux-20240312" }, ["bad-shape"]],
    [
      "several problems at once",
      { annotated: true, hasSignature: false, signature: null, containingBranches: [] },
      ["not-on-stable", "unsigned"],
    ],
  ];
  for (const [what, change, expected] of rows) {
    it(`${what} → ${expected.join(", ") || "valid"}`, () => {
      const verdict = checkTag({ ...GOOD, ...change }, POLICY, NOW);
      assert.deepEqual(verdict.problems.map((problem) => problem.code).sort(), expected);
      assert.equal(verdict.valid, expected.length === 0);
      for (const problem of verdict.problems) assert.match(problem.message, /\S/);
    });
  }

  it("names the stable branch the message refers to", () => {
    assert.equal(checkTag(GOOD, POLICY, NOW).stableBranch, "stable-6.9");
    assert.equal(
      checkTag({ ...GOOD, subject: "selinux/stable-6.10 PR 20240312" }, POLICY, NOW).stableBranch,
      "stable-6.10",
    );
    assert.equal(checkTag({ ...GOOD, containingBranches: [] }, POLICY, NOW).stableBranch, null);
  });
});

describe("parseVerifyOutput", () => {
  const gpg = (lines: string[]) => lines.map((line) => `[GNUPG:] ${line}`).join("\n");
  const rows: [string, string, Partial<SignatureFacts>][] = [
    [
      "GPG good",
      gpg([
        "NEWSIG",
        `GOODSIG AA2288ADDD768881 Paul <p@x>`,
        `VALIDSIG ${FPR} 2024-03-12 1710284306 0 4 0 22 8 00 ${FPR}`,
        "TRUST_ULTIMATE 0 pgp",
      ]),
      { format: "gpg", status: "good", fingerprints: [FPR] },
    ],
    [
      "GPG subkey",
      gpg([`GOODSIG AA Paul`, `VALIDSIG ${"B".repeat(40)} 2024-03-12 1 0 4 0 22 8 00 ${FPR}`]),
      { status: "good", fingerprints: ["B".repeat(40), FPR] },
    ],
    ["GPG bad", gpg(["NEWSIG", "BADSIG AA2288ADDD768881 Paul <p@x>"]), { status: "bad" }],
    [
      "GPG expired key",
      gpg([
        "EXPKEYSIG AA2288ADDD768881 Old",
        `VALIDSIG ${FPR} 2020-01-01 1 0 4 0 22 8 00 ${FPR}`,
        "KEYEXPIRED 1577923200",
      ]),
      { status: "expired-key", fingerprints: [FPR] },
    ],
    ["GPG revoked key", gpg(["REVKEYSIG AA Old"]), { status: "revoked-key" }],
    [
      "GPG missing key",
      gpg(["ERRSIG AA2288ADDD768881 22 8 00 1795686383 9 " + FPR, "NO_PUBKEY AA2288ADDD768881"]),
      { status: "unknown-key" },
    ],
    ["GPG other error", gpg(["ERRSIG AA2288ADDD768881 22 8 00 1795686383 4 -"]), { status: "error" }],
    [
      "SSH good",
      'Good "git" signature for paul@paul-moore.com with ED25519 key SHA256:5b91QPKg\n',
      { format: "ssh", status: "good", principal: "paul@paul-moore.com", fingerprints: ["SHA256:5b91QPKg"] },
    ],
    [
      "SSH unknown principal",
      'Good "git" signature with ED25519 key SHA256:st0X\nNo principal matched.\n',
      { format: "ssh", status: "no-principal", principal: null },
    ],
    ["SSH bad", "Signature verification failed: incorrect signature\nCould not verify signature.\n", { status: "bad" }],
    [
      "SSH not configured",
      "error: gpg.ssh.allowedSignersFile needs to be configured and exist for ssh signature verification\n" +
        "error: 2222: cannot verify a non-tag object of type commit.\n",
      { format: "ssh", status: "error" },
    ],
  ];
  for (const [what, output, expected] of rows) {
    it(what, () => {
      const facts = parseVerifyOutput(output);
      for (const [key, value] of Object.entries(expected))
        assert.deepEqual(facts[key as keyof SignatureFacts], value, key);
    });
  }
});
