// Allowlists for every non-ref string the git layer hands to git: SHAs, remotes, URLs, paths, globs, identities.
import { InputError } from "../../domain/errors.ts";

const OBJECT_ID = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/;
const REMOTE_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]*(?:\.[A-Za-z0-9_-]+)*$/;
/** https, git and file URLs; plain http only on loopback (the sandbox forge of `npm run demo`). */
const URL_SCHEME =
  /^(?:https|git):\/\/[^/]|^file:\/\/(?:localhost)?\/[^/]|^http:\/\/(?:127\.0\.0\.1|localhost)(?::\d{1,5})?\//;
const CONTROL_OR_SPACE = /[\s\u0000-\u001f\u007f]/;
const PATH_SPEC = /^[A-Za-z0-9._+*/-]+$/;
const REF_GLOB = /^[A-Za-z0-9._*/-]+$/;
const FILE_PATH = /^\/[A-Za-z0-9._+@/-]+$/;
const KEY_ID = /^(?:0x)?([0-9A-Fa-f]{16}|[0-9A-Fa-f]{40})$/;

function show(text: string): string {
  return JSON.stringify(text.length > 60 ? `${text.slice(0, 60)}…` : text);
}

/** True for a full object id, what assertObjectId accepts (to tell an id from a name before validating either). */
export function isObjectId(text: string): boolean {
  return OBJECT_ID.test(text);
}

/** A full commit or tag object id (SHA-1 or SHA-256), lower-case hex; never an abbreviation or a rev expression. */
export function assertObjectId(sha: string, what: string): string {
  if (!OBJECT_ID.test(sha))
    throw new InputError("bad-sha", `${what} ${show(sha)} is not a full object id (40 or 64 hex digits)`);
  return sha;
}

/** A configured git remote name such as `origin` or `linus`. */
export function assertRemoteName(name: string, what = "remote"): string {
  if (!REMOTE_NAME.test(name) || name.length > 64) {
    throw new InputError(
      "bad-remote",
      `${what} name ${show(name)} refused: use letters, digits, ".", "_" or "-", not starting with "-" or "."`,
    );
  }
  return name;
}

/**
 * An upstream location: `https://`, `git://`, `file://` URLs or an absolute path. Refused: a leading `-`
 * (git would read an option), whitespace or control characters, other transports (`ext::`, `ssh`, `fd::`).
 */
export function assertUpstreamUrl(url: string): string {
  if (url.startsWith("-"))
    throw new InputError("bad-url", `upstream ${show(url)} starts with "-" and would be read by git as an option`);
  if (CONTROL_OR_SPACE.test(url))
    throw new InputError("bad-url", `upstream ${show(url)} contains whitespace or control characters`);
  if (!URL_SCHEME.test(url) && !(url.startsWith("/") && !url.startsWith("//"))) {
    throw new InputError(
      "bad-url",
      `upstream ${show(url)} is not an https://, git://, file:// URL or an absolute path`,
    );
  }
  return url;
}

/** A path under the repository (e.g. `security/selinux/`), given to git only after `--`; no pathspec magic. */
export function assertRepoPath(path: string): string {
  const parts = path.split("/");
  if (
    !PATH_SPEC.test(path) ||
    path.startsWith("-") ||
    path.startsWith("/") ||
    parts.some((part) => part === ".." || part === ".")
  ) {
    throw new InputError(
      "bad-path",
      `path ${show(path)} refused: a relative path of letters, digits, "._+*/-", without ".." or a leading "-" or "/"`,
    );
  }
  return path;
}

/** A ref-name glob for a family of branches or tags (`stable-*`, `*-pr-*`), relative to refs/heads or refs/tags. */
export function assertRefGlob(glob: string, what: string): string {
  if (
    !REF_GLOB.test(glob) ||
    glob.startsWith("-") ||
    glob.startsWith("/") ||
    glob.includes("..") ||
    glob.startsWith("refs/")
  ) {
    throw new InputError("bad-glob", `${what} pattern ${show(glob)} refused: use letters, digits, "._-/" and "*"`);
  }
  return glob;
}

/** An absolute file path the caller configured (a signing key, an allowed_signers file). */
export function assertFilePath(path: string, what: string): string {
  if (!FILE_PATH.test(path) || path.split("/").includes("..")) {
    throw new InputError(
      "bad-file-path",
      `${what} ${show(path)} refused: an absolute path of letters, digits and "._+@/-" is required`,
    );
  }
  return path;
}

/** A GPG key id or fingerprint in hex (16 or 40 digits). */
export function assertKeyId(keyId: string): string {
  const match = KEY_ID.exec(keyId);
  if (!match)
    throw new InputError(
      "bad-key-id",
      `signing key ${show(keyId)} refused: give a 16- or 40-digit hex key id or fingerprint`,
    );
  return match[1]!.toUpperCase();
}

/** The name and e-mail merge-window commits and tags as. */
export interface GitIdentity {
  readonly name: string;
  readonly email: string;
}

/** Both parts non-empty, no control characters, no `<`/`>` (they would break the ident line). */
export function assertIdentity(identity: GitIdentity): GitIdentity {
  const { name, email } = identity;
  if (name.trim() === "" || /[<>\u0000-\u001f\u007f]/.test(name) || name.length > 100) {
    throw new InputError("bad-identity", `identity name ${show(name)} refused: no "<", ">" or control characters`);
  }
  if (!/^[^\s<>@]+@[^\s<>@]+$/.test(email) || email.length > 100) {
    throw new InputError("bad-identity", `identity e-mail ${show(email)} refused: expected user@host`);
  }
  return identity;
}

/** `-c user.name=… -c user.email=…` for one git process. */
export function buildIdentityConfig(identity: GitIdentity | undefined): string[] {
  if (!identity) return [];
  assertIdentity(identity);
  return ["-c", `user.name=${identity.name}`, "-c", `user.email=${identity.email}`];
}

/** A tag message: non-empty, at most 10,000 characters, no control characters except newline and tab. */
export function assertMessage(message: string, what = "tag message"): string {
  if (message.trim() === "" || message.length > 10_000 || /[\u0000-\u0008\u000b-\u001f\u007f]/.test(message)) {
    throw new InputError(
      "bad-message",
      `${what} refused: it must be non-empty text without control characters (at most 10,000 characters)`,
    );
  }
  return message;
}
