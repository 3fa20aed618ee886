// Throwaway signing keys (tests and the sandbox replay): GPG keys in a fresh GNUPGHOME, SSH keys, git config to use
// them.
import { execFileSync } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/** A GPG key living alone in its own GNUPGHOME (no passphrase, ultimately trusted there). */
export interface GpgKey {
  readonly kind: "gpg";
  readonly gnupgHome: string;
  /** 40-hex primary key fingerprint, upper case as gpg prints it. */
  readonly fingerprint: string;
  /** The long key id: the last 16 hex digits of the fingerprint. */
  readonly keyId: string;
  readonly name: string;
  readonly email: string;
  readonly createdAt: Date;
  /** null for a key that never expires. */
  readonly expiresAt: Date | null;
}

/** An ed25519 SSH key pair without passphrase. */
export interface SshKey {
  readonly kind: "ssh";
  readonly privateKeyPath: string;
  readonly publicKeyPath: string;
  /** The `ssh-ed25519 AAAA… comment` line. */
  readonly publicKey: string;
  readonly comment: string;
  /** Used for the allowed-signers file in `gitSigningConfig`; defaults to the comment. */
  readonly email: string;
  /**
   * Writes (again on every call; one file per email) an allowed-signers file naming this key for `email`; returns its
   * path.
   */
  allowedSignersPath(email?: string): string;
}

export type SigningKey = GpgKey | SshKey;

export interface GpgKeyOptions {
  readonly name: string;
  readonly email: string;
  /** gpg's expire argument: `never` (default), `1d`, `2y`, `seconds=N`, or an ISO date. */
  readonly expire?: string;
  /** Creates the key as if at this instant (gpg --faked-system-time); with `expire: "1d"` it is expired now. */
  readonly createdAt?: Date;
  /** Shortcut for an already expired key: created 2020-01-01T00:00:00Z, valid one day. */
  readonly expired?: boolean;
  readonly algorithm?: "ed25519" | "rsa3072";
}

/** When an expired key signs, it signs at this instant: inside its validity, or gpg refuses. */
const EXPIRED_CREATED_AT = new Date("2020-01-01T00:00:00Z");

/** Generates a GPG signing key in a new GNUPGHOME `<dir>/gnupg-XXXXXX`. Stop its agent with `stopGpgAgent`. */
export function createGpgKey(dir: string, options: GpgKeyOptions): GpgKey {
  mkdirSync(dir, { recursive: true });
  // Short and unique: gpg-agent's socket lives in GNUPGHOME and socket paths are limited to ~100 bytes.
  const gnupgHome = mkdtempSync(join(dir, "gnupg-"));
  chmodSync(gnupgHome, 0o700);
  const createdAt = options.createdAt ?? (options.expired ? EXPIRED_CREATED_AT : undefined);
  const expire = options.expire ?? (options.expired ? "1d" : "never");
  runGpg(gnupgHome, [
    ...fakedTime(createdAt),
    "--passphrase",
    "",
    "--quick-gen-key",
    `${options.name} <${options.email}>`,
    options.algorithm ?? "ed25519",
    "sign",
    expire,
  ]);
  const colons = runGpg(gnupgHome, ["--with-colons", "--list-keys", `<${options.email}>`]);
  const pub = colons
    .split("\n")
    .find((line) => line.startsWith("pub:"))
    ?.split(":");
  const fingerprint = colons
    .split("\n")
    .find((line) => line.startsWith("fpr:"))
    ?.split(":")[9];
  if (!pub || !fingerprint) throw new Error(`gpg did not list the new key for ${options.email}:\n${colons}`);
  return {
    kind: "gpg",
    gnupgHome,
    fingerprint,
    keyId: fingerprint.slice(-16),
    name: options.name,
    email: options.email,
    createdAt: new Date(Number(pub[5]) * 1000),
    expiresAt: pub[6] ? new Date(Number(pub[6]) * 1000) : null,
  };
}

export interface SshKeyOptions {
  readonly comment: string;
  /** The identity for allowed-signers files; defaults to the comment. */
  readonly email?: string;
}

/** Generates `<dir>/ssh-XXXXXX/id_ed25519` (+ `.pub`), an ed25519 key without passphrase. */
export function createSshKey(dir: string, options: SshKeyOptions): SshKey {
  mkdirSync(dir, { recursive: true });
  const privateKeyPath = join(mkdtempSync(join(dir, "ssh-")), "id_ed25519");
  execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", options.comment, "-f", privateKeyPath], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  const publicKey = readFileSync(`${privateKeyPath}.pub`, "utf8").trim();
  const email = options.email ?? options.comment;
  return {
    kind: "ssh",
    privateKeyPath,
    publicKeyPath: `${privateKeyPath}.pub`,
    publicKey,
    comment: options.comment,
    email,
    allowedSignersPath(forEmail = email) {
      const path = `${privateKeyPath}.allowed-${forEmail.replace(/[^A-Za-z0-9]/g, "_")}`;
      writeFileSync(path, `${forEmail} namespaces="git" ${publicKey}\n`);
      return path;
    },
  };
}

/** What git needs to sign (and verify) with `key`: `-c` arguments to put before the subcommand, and env. */
export interface GitSigningConfig {
  readonly args: readonly string[];
  readonly env: Readonly<Record<string, string>>;
}

/**
 * `git ...args tag -s …` signs with `key`; `git ...args tag -v …` verifies it. GPG: `user.signingkey` is the
 * fingerprint and GNUPGHOME goes in env. SSH: `gpg.format=ssh`, the private key path and an allowed-signers
 * file for the key's email.
 */
export function gitSigningConfig(key: SigningKey): GitSigningConfig {
  if (key.kind === "gpg") {
    return {
      args: ["-c", "gpg.format=openpgp", "-c", `user.signingkey=${key.fingerprint}`],
      env: { GNUPGHOME: key.gnupgHome },
    };
  }
  return {
    args: [
      "-c",
      "gpg.format=ssh",
      "-c",
      `user.signingkey=${key.privateKeyPath}`,
      "-c",
      `gpg.ssh.allowedSignersFile=${key.allowedSignersPath()}`,
    ],
    env: {},
  };
}

export interface SignOptions {
  /**
   * Sign as if at this instant (GPG only; SSH signatures carry no time). Expired keys default to inside their validity.
   */
  readonly at?: Date;
}

/**
 * The armored signature git would append to `payload` (a tag object without signature): the output of
 * `gpg -bsau <key>` or `ssh-keygen -Y sign -n git`. Appending it to the payload gives a signed tag object.
 */
export function signPayload(key: SigningKey, payload: string | Buffer, options: SignOptions = {}): string {
  if (key.kind === "ssh") {
    return execFileSync("ssh-keygen", ["-Y", "sign", "-n", "git", "-f", key.privateKeyPath], {
      input: payload,
      stdio: ["pipe", "pipe", "pipe"],
    }).toString("utf8");
  }
  const expired = key.expiresAt !== null && key.expiresAt.getTime() <= Date.now();
  const at = options.at ?? (expired ? new Date(key.createdAt.getTime() + 60_000) : undefined);
  return runGpg(key.gnupgHome, [...fakedTime(at), "--status-fd=2", "-bsau", key.fingerprint], payload);
}

/** Stops the gpg-agent that gpg started for this GNUPGHOME (call in `after`, before removing the directory). */
export function stopGpgAgent(keyOrHome: GpgKey | string): void {
  const gnupgHome = typeof keyOrHome === "string" ? keyOrHome : keyOrHome.gnupgHome;
  try {
    execFileSync("gpgconf", ["--kill", "gpg-agent"], {
      env: { ...process.env, GNUPGHOME: gnupgHome },
      stdio: "ignore",
    });
  } catch {
    // No agent was started: nothing to stop.
  }
}

function fakedTime(at: Date | undefined): string[] {
  return at ? ["--faked-system-time", `${Math.floor(at.getTime() / 1000)}!`] : [];
}

function runGpg(gnupgHome: string, args: readonly string[], input?: string | Buffer): string {
  return execFileSync("gpg", ["--batch", "--no-tty", "--quiet", ...args], {
    env: { ...process.env, GNUPGHOME: gnupgHome },
    input: input ?? "",
    stdio: ["pipe", "pipe", "pipe"],
  }).toString("utf8");
}

/**
 * A new GNUPGHOME `<dir>/keyring-XXXXXX` holding only the public part of `key`: what a verifier (the app)
 * has, never the secret key. Stop its agent with `stopGpgAgent` too.
 */
export function createPublicKeyring(dir: string, key: GpgKey): string {
  mkdirSync(dir, { recursive: true });
  const home = mkdtempSync(join(dir, "keyring-"));
  chmodSync(home, 0o700);
  const armored = runGpg(key.gnupgHome, ["--armor", "--export", key.fingerprint]);
  runGpg(home, ["--import"], armored);
  return home;
}
