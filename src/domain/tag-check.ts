// Pure tag validation (C6): raw facts about one pushed tag → a list of coded problems; plus reading git's verify
// output.
import { parseWithTemplate, refNameProblems, validateTagName, type NameProblemCode, type ParsedName } from "./names.ts";

export type SignatureFormat = "gpg" | "ssh" | "unknown";

/** What `git verify-tag --raw` said, read from its output. */
export type SignatureStatus = "good" | "bad" | "expired-key" | "revoked-key" | "unknown-key" | "no-principal" | "error";

export interface SignatureFacts {
  readonly format: SignatureFormat;
  readonly status: SignatureStatus;
  /** GPG: signing (sub)key and primary key fingerprints, upper-case hex. SSH: `SHA256:…` key fingerprint. */
  readonly fingerprints: readonly string[];
  /** SSH: the allowed_signers principal that matched. */
  readonly principal: string | null;
  /** GPG: the signer's user id as GOODSIG names it, e.g. `Paul Moore <paul@paul-moore.com>`. */
  readonly signer?: string | null;
  /** GPG: the key's validity in the verifying keyring (TRUST_* status line), lower case; null when not reported. */
  readonly trust?: "ultimate" | "fully" | "marginal" | "never" | "undefined" | null;
  /** The line that decided the status, for messages. */
  readonly detail: string;
}

/** Everything git knows about one tag, gathered by the adapter. */
export interface TagCheckFacts {
  readonly name: string;
  readonly exists: boolean;
  readonly annotated: boolean;
  readonly object: string | null;
  readonly commit: string | null;
  readonly taggerDate: Date | null;
  /** The tagger's UTC offset in minutes (`+1200` → 720), when the tag object has one. */
  readonly taggerOffsetMinutes?: number;
  /** The message's first paragraph (annotated tags only). */
  readonly subject: string;
  readonly hasSignature: boolean;
  readonly signature: SignatureFacts | null;
  /** Short names of the branches (of the stable family) whose history contains the tag's commit. */
  readonly containingBranches: readonly string[];
  /** Set when the tag (through any tags of tags) names a tree or a blob, not a commit. */
  readonly target?: "tree" | "blob";
}

export interface TagPolicy {
  readonly subsystem: string;
  /** e.g. `{subsystem}-pr-{date}` */
  readonly tagTemplate: string;
  /** e.g. `{subsystem}/stable-{version} PR {date}` */
  readonly messageTemplate: string;
  /** e.g. `stable-{version}` */
  readonly stableTemplate: string;
  readonly timeZone: string;
  readonly maxDateSkewDays?: number;
  /**
   * GPG fingerprints (primary or signing subkey) allowed to sign. SSH signers are allowed by the allowed_signers file.
   */
  readonly allowedFingerprints?: readonly string[];
  /**
   * With no allowed fingerprints: accept a good GPG signature whose key the verifying keyring holds valid (full or
   * ultimate), as `git tag -v` would. The CLI's relaxation on the maintainer's own keyring; the app never sets it.
   */
  readonly trustKeyring?: boolean;
}

export type TagProblemCode =
  | NameProblemCode
  | "not-found"
  | "lightweight"
  | "unsigned"
  | "bad-signature"
  | "unknown-key"
  | "expired-key"
  | "revoked-key"
  | "signer-not-allowed"
  | "cannot-verify"
  | "not-on-stable"
  | "message-mismatch"
  | "not-a-commit";

export interface TagProblem {
  readonly code: TagProblemCode;
  readonly message: string;
}

export interface TagVerdict {
  readonly valid: boolean;
  readonly problems: readonly TagProblem[];
  /** The stable branch the message names, when the tagged commit is on it. */
  readonly stableBranch: string | null;
}

/** The verdict for a name that must never reach git (an option, a bad ref name); null when the name is safe. */
export function checkUnsafeTagName(name: string): TagVerdict | null {
  const problems = refNameProblems(name);
  if (problems.length === 0) return null;
  return { valid: false, problems: problems.map(({ code, message }) => ({ code, message })), stableBranch: null };
}

/** Every problem with a tag: name and date, annotated, signed by an allowed key, on a stable branch, message. */

export function checkTag(facts: TagCheckFacts, policy: TagPolicy, now: Date): TagVerdict {
  const { name } = facts;
  if (!facts.exists)
    return {
      valid: false,
      problems: [{ code: "not-found", message: `tag ${name} does not exist` }],
      stableBranch: null,
    };
  const problems: TagProblem[] = validateTagName(name, {
    template: policy.tagTemplate,
    subsystem: policy.subsystem,
    now,
    timeZone: policy.timeZone,
    ...(facts.taggerDate ? { taggerDate: facts.taggerDate } : {}),
    ...(facts.taggerOffsetMinutes === undefined ? {} : { taggerOffsetMinutes: facts.taggerOffsetMinutes }),
    ...(policy.maxDateSkewDays === undefined ? {} : { maxDateSkewDays: policy.maxDateSkewDays }),
  });
  if (facts.target) {
    // Nothing else can be judged (no commit: no branch, no pull); the name problems still help the maintainer.
    problems.push({
      code: "not-a-commit",
      message: `tag ${name} points at a ${facts.target}, not a commit; a pull request needs a tag of a commit`,
    });
    return { valid: false, problems, stableBranch: null };
  }
  if (!facts.annotated) {
    problems.push({
      code: "lightweight",
      message: `tag ${name} is a lightweight tag; a pull request needs an annotated, signed tag (git tag -s)`,
    });
  } else {
    problems.push(...signatureProblems(facts, policy));
  }
  const stables = facts.containingBranches.flatMap((branch) => {
    const version = parseWithTemplate(policy.stableTemplate, branch)?.fields.version;
    return version === undefined ? [] : [{ branch, version }];
  });
  const versions = stables.map((stable) => stable.version);
  if (versions.length === 0) {
    const example = policy.stableTemplate.replace("{version}", "X.Y");
    const commit = facts.commit?.slice(0, 12) ?? "no commit";
    problems.push({
      code: "not-on-stable",
      message: `tag ${name} points at ${commit}, which no ${example} branch contains`,
    });
  }
  const line = facts.subject.split("\n")[0]!.trim();
  const message = parseWithTemplate(policy.messageTemplate, line);
  if (facts.annotated) problems.push(...messageProblems(name, line, message, policy, versions));
  const stableBranch = stables.find((stable) => stable.version === message?.fields.version)?.branch ?? null;
  return { valid: problems.length === 0, problems, stableBranch };
}

function signatureProblems(facts: TagCheckFacts, policy: TagPolicy): TagProblem[] {
  const { name, signature } = facts;
  if (!facts.hasSignature || !signature)
    return [{ code: "unsigned", message: `tag ${name} is annotated but not signed` }];
  const detail = signature.detail ? ` (${signature.detail})` : "";
  switch (signature.status) {
    case "good":
      return signerProblems(name, signature, policy);
    case "bad":
      return [{ code: "bad-signature", message: `tag ${name} has a signature that does not verify${detail}` }];
    case "expired-key":
      return [{ code: "expired-key", message: `tag ${name} is signed with an expired key${detail}` }];
    case "revoked-key":
      return [{ code: "revoked-key", message: `tag ${name} is signed with a revoked key${detail}` }];
    case "unknown-key":
      return [{ code: "unknown-key", message: `tag ${name} is signed with a key that is not in the keyring${detail}` }];
    case "no-principal":
      return [
        {
          code: "signer-not-allowed",
          message: `tag ${name} is signed with an SSH key that the allowed signers file does not list${detail}`,
        },
      ];
    case "error":
      return [{ code: "cannot-verify", message: `tag ${name}'s signature could not be checked${detail}` }];
  }
}

function signerProblems(name: string, signature: SignatureFacts, policy: TagPolicy): TagProblem[] {
  if (signature.format !== "gpg") return [];
  const allowed = new Set((policy.allowedFingerprints ?? []).map(normalizeFingerprint));
  if (signature.fingerprints.some((fingerprint) => allowed.has(normalizeFingerprint(fingerprint)))) return [];
  const signer = nameSigner(signature);
  if (allowed.size === 0 && policy.trustKeyring) {
    if (isKeyringTrusted(signature)) return [];
    return [
      {
        code: "signer-not-allowed",
        message:
          `tag ${name} has a good signature by ${signer}, but your keyring does not hold that key valid ` +
          `(trust ${signature.trust ?? "unknown"}); certify the key (gpg --lsign-key) or set ` +
          `signing.allowedSigners`,
      },
    ];
  }
  const why =
    allowed.size === 0 ? "and no signing.allowedSigners are configured" : "which is not among signing.allowedSigners";
  return [{ code: "signer-not-allowed", message: `tag ${name} is signed by ${signer}, ${why}` }];
}

/** A good GPG signature by a key the keyring holds fully or ultimately valid. */
export function isKeyringTrusted(signature: SignatureFacts): boolean {
  return signature.status === "good" && (signature.trust === "ultimate" || signature.trust === "fully");
}

/** `Paul Moore <paul@paul-moore.com> (key 0123…)`, or the SSH principal and key. */
export function nameSigner(signature: SignatureFacts): string {
  const key = signature.fingerprints[0] ?? "?";
  if (signature.format === "ssh") return `${signature.principal ?? "an unlisted SSH key"} (key ${key})`;
  return `${signature.signer ?? "an unknown user id"} (key ${key})`;
}

/** Upper-case hex without spaces or `0x`, so configured fingerprints compare however they were written. */
export function normalizeFingerprint(fingerprint: string): string {
  return fingerprint.replace(/\s+/g, "").replace(/^0x/i, "").toUpperCase();
}

/**
 * The message's first line (`line`, read as `parsed`) against the template, the subsystem, the branch and the name's
 * date.
 */
function messageProblems(
  name: string,
  line: string,
  parsed: ParsedName | undefined,
  policy: TagPolicy,
  versions: readonly string[],
): TagProblem[] {
  if (!parsed) {
    return [
      {
        code: "message-mismatch",
        message:
          `tag ${name}'s message ${JSON.stringify(line)} does not have the ` +
          `shape ${JSON.stringify(policy.messageTemplate)}`,
      },
    ];
  }
  const { subsystem, version, date } = parsed.fields;
  const problems: TagProblem[] = [];
  if (subsystem !== undefined && subsystem !== policy.subsystem) {
    problems.push({
      code: "message-mismatch",
      message: `tag ${name}'s message names subsystem ${subsystem}, this repository is ${policy.subsystem}`,
    });
  }
  if (version !== undefined && versions.length > 0 && !versions.includes(version)) {
    problems.push({
      code: "message-mismatch",
      message:
        `tag ${name}'s message names version ${version}, but its commit is ` +
        `on ${versions.map((v) => policy.stableTemplate.replace("{version}", v)).join(", ")}`,
    });
  }
  const nameDate = parseWithTemplate(policy.tagTemplate, name, { suffix: true })?.fields.date;
  if (date !== undefined && nameDate !== undefined && date !== nameDate) {
    problems.push({
      code: "message-mismatch",
      message: `tag ${name}'s message is dated ${date}, the tag name ${nameDate}`,
    });
  }
  return problems;
}

const STATUS_LINE = /^\[GNUPG:\] ([A-Z_]+)(?: (.*))?$/;

/** Reads `git verify-tag --raw` output (GPG status lines or ssh-keygen messages) into SignatureFacts. */
export function parseVerifyOutput(output: string): SignatureFacts {
  const lines = output
    .split("\n")
    .map((line) => line.trim())
    .filter(Boolean);
  const status = new Map<string, string>();
  for (const line of lines) {
    const match = STATUS_LINE.exec(line);
    if (match && !status.has(match[1]!)) status.set(match[1]!, match[2] ?? "");
  }
  if (status.size > 0) return parseGpgStatus(status);
  const good = lines.find((line) => /^Good "git" signature/.test(line));
  if (good) {
    const fingerprint = /key (SHA256:\S+)/.exec(good)?.[1];
    const principal = /signature for (.+?) with /.exec(good)?.[1] ?? null;
    const noPrincipal = lines.some((line) => /^No principal matched/.test(line));
    return {
      format: "ssh",
      status: noPrincipal || principal === null ? "no-principal" : "good",
      fingerprints: fingerprint ? [fingerprint] : [],
      principal,
      detail: good,
    };
  }
  const ssh = lines.some((line) => /ssh|principal|allowedSignersFile/i.test(line));
  const detail = lines.find((line) => !/^error: .*cannot verify a non-tag object/.test(line)) ?? "";
  return {
    format: ssh ? "ssh" : "unknown",
    status: /signature verification failed|could not verify|incorrect signature/i.test(output) ? "bad" : "error",
    fingerprints: [],
    principal: null,
    detail,
  };
}

function parseGpgStatus(status: ReadonlyMap<string, string>): SignatureFacts {
  const goodsig = status.get("GOODSIG") ?? status.get("EXPKEYSIG") ?? status.get("REVKEYSIG") ?? status.get("BADSIG");
  const signer = goodsig?.split(" ").slice(1).join(" ") || null;
  const trustKey = [...status.keys()].find((key) => key.startsWith("TRUST_"));
  const trust = trustKey ? (trustKey.slice("TRUST_".length).toLowerCase() as SignatureFacts["trust"]) : null;
  const fact = (state: SignatureStatus, line: string, fingerprints: string[] = []): SignatureFacts => ({
    format: "gpg",
    status: state,
    fingerprints,
    principal: null,
    signer,
    trust,
    detail: line,
  });
  const valid = status.get("VALIDSIG")?.split(" ") ?? [];
  const validFingerprints = [
    ...new Set([valid[0], valid[9]].filter((fpr): fpr is string => Boolean(fpr)).map(normalizeFingerprint)),
  ];
  if (status.has("BADSIG")) return fact("bad", `BADSIG ${status.get("BADSIG")}`);
  if (status.has("EXPKEYSIG")) return fact("expired-key", `EXPKEYSIG ${status.get("EXPKEYSIG")}`, validFingerprints);
  if (status.has("REVKEYSIG")) return fact("revoked-key", `REVKEYSIG ${status.get("REVKEYSIG")}`, validFingerprints);
  if (status.has("NO_PUBKEY")) return fact("unknown-key", `NO_PUBKEY ${status.get("NO_PUBKEY")}`);
  if (status.has("ERRSIG")) return fact("error", `ERRSIG ${status.get("ERRSIG")}`);
  if (status.has("EXPSIG")) return fact("bad", `EXPSIG ${status.get("EXPSIG")} (the signature itself has expired)`);
  if (status.has("GOODSIG") && validFingerprints.length > 0)
    return fact("good", `GOODSIG ${status.get("GOODSIG")}`, validFingerprints);
  return fact("error", [...status.keys()].join(" "));
}
