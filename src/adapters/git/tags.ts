// Signed tags: create (GPG or SSH) and push without reusing a name; gather a tag's facts for the domain's check (C5).
import { assertSafeRefName } from "../../domain/names.ts";
import { parseVerifyOutput, type TagCheckFacts } from "../../domain/tag-check.ts";
import type { GitContext } from "./context.ts";
import {
  assertFilePath,
  assertKeyId,
  assertMessage,
  assertObjectId,
  assertRefGlob,
  buildIdentityConfig,
} from "./inputs.ts";
import { peelObject, readRefRecords, readRefsContaining, readRemoteRef, runCapturing } from "./refs.ts";
import { pushWithLeases } from "./push.ts";
import type { SignedTagResult } from "../../domain/git-results.ts";

export type { SignedTagResult };

/** A signing key: a GPG key id in a keyring (GNUPGHOME), or an SSH private key file (`gpg.format=ssh`). */
export type SigningKey =
  | { readonly kind: "gpg"; readonly keyId: string; readonly gnupgHome?: string }
  | { readonly kind: "ssh"; readonly keyFile: string };

export interface SignedTagRequest {
  readonly name: string;
  readonly message: string;
  readonly sha: string;
  readonly signing: SigningKey;
}

/**
 * Signs `name` at commit `sha` and pushes it with `--force-with-lease=refs/tags/<name>:` (must not exist).
 * A name that exists locally or on the remote is refused, never reused; a failed push removes the local tag.
 */
export async function createSignedTag(context: GitContext, request: SignedTagRequest): Promise<SignedTagResult> {
  const name = assertSafeRefName(request.name, "tag");
  const message = assertMessage(request.message);
  const sha = assertObjectId(request.sha, `commit for tag ${name}`);
  const ref = `refs/tags/${name}`;
  const { runner, config } = buildSigning(context, request.signing);
  const local = (await readRefRecords(context.git, [ref])).some((record) => record.ref === ref);
  const remote = await readRemoteRef(context.git, context.remote, ref);
  if (local || remote !== null) {
    return {
      status: "refused",
      code: "exists",
      name,
      message:
        `tag ${name} already exists${remote !== null ? ` on ${context.remote}` : " locally"}; tag names are ` +
        `never reused`,
    };
  }
  const signed = await runCapturing(runner, [
    ...buildIdentityConfig(context.identity),
    ...config,
    "tag",
    "--sign",
    `--message=${message}`,
    "--end-of-options",
    name,
    sha,
  ]);
  const [record] = (await readRefRecords(context.git, [ref])).filter((r) => r.ref === ref);
  if (!signed.ok || !record || record.type !== "tag" || record.commit !== sha) {
    if (record) await context.git.tryRun(["tag", "--delete", "--end-of-options", name]);
    return {
      status: "refused",
      code: "sign-failed",
      name,
      message: `signing tag ${name} failed: ${signed.output.trim()}`,
    };
  }
  const pushed = await pushWithLeases(context.git, context.remote, [
    { sha: record.object, lease: { ref, expect: "" } },
  ]);
  if (!pushed.ok) {
    await context.git.tryRun(["tag", "--delete", "--end-of-options", name]);
    return {
      status: "refused",
      code: "push-failed",
      name,
      message: `pushing tag ${name} to ${context.remote} failed: ${pushed.failure ?? pushed.output.trim()}`,
    };
  }
  return { status: "created", name, object: record.object, commit: record.commit ?? sha };
}

function buildSigning(context: GitContext, signing: SigningKey): { runner: GitContext["git"]; config: string[] } {
  if (signing.kind === "ssh") {
    const keyFile = assertFilePath(signing.keyFile, "SSH signing key");
    return { runner: context.git, config: ["-c", "gpg.format=ssh", "-c", `user.signingKey=${keyFile}`] };
  }
  const keyId = assertKeyId(signing.keyId);
  const runner = signing.gnupgHome
    ? context.createRunner(context.git.dir, { GNUPGHOME: assertFilePath(signing.gnupgHome, "GNUPGHOME") })
    : context.git;
  return { runner, config: ["-c", "gpg.format=openpgp", "-c", `user.signingKey=${keyId}`] };
}

export interface TagCheckRequest {
  /** The stable branch family whose history must contain the tag (relative to refs/heads; default `stable-*`). */
  readonly stableGlob?: string;
  /** SSH allowed_signers file (`gpg.ssh.allowedSignersFile`) for SSH-signed tags. */
  readonly allowedSignersFile?: string;
}

/**
 * Reads one tag's facts in three git processes (refs, signature, containing branches). `name` must be a safe ref name.
 */
export async function readTagFacts(
  context: Pick<GitContext, "git" | "view">,
  name: string,
  request: TagCheckRequest = {},
): Promise<TagCheckFacts> {
  assertSafeRefName(name, "tag");
  const stableGlob = assertRefGlob(request.stableGlob ?? "stable-*", "stable branch");
  const signers =
    request.allowedSignersFile === undefined
      ? undefined
      : assertFilePath(request.allowedSignersFile, "allowed signers file");
  const ref = `${context.view.tags}${name}`;
  const output = await context.git.run([
    "for-each-ref",
    "--format=%(refname)%00%(objecttype)%00%(objectname)%00%(*objecttype)%00%(*objectname)%00" +
      "%(creatordate:raw)%00%(contents:subject)%00%(contents:signature)",
    "--end-of-options",
    ref,
  ]);
  const line = output.split("\n").find((entry) => entry.startsWith(`${ref}\0`));
  const empty: TagCheckFacts = {
    name,
    exists: false,
    annotated: false,
    object: null,
    commit: null,
    taggerDate: null,
    subject: "",
    hasSignature: false,
    signature: null,
    containingBranches: [],
  };
  if (!line) return empty;
  const [, type = "", object = "", peeledType = "", peeled = "", rawDate = "", subject = "", signatureBlock = ""] =
    line.split("\0");
  const annotated = type === "tag";
  // A tag of a tag is followed to what it finally names; its own (outer) signature is the one verified below.
  const target =
    type !== "tag"
      ? { sha: object, type }
      : peeledType === "tag"
        ? await peelObject(context.git, object)
        : { sha: peeled, type: peeledType };
  const commit = target.type === "commit" ? target.sha : null;
  const [epoch = "", zone = ""] = rawDate.split(" ");
  const seconds = Number(epoch);
  const offset = parseGitOffset(zone);
  const hasSignature = annotated && signatureBlock.trim() !== "";
  // The signature and the branches holding the commit are independent: both git processes run at once.
  const [verifyOutput, branches] = await Promise.all([
    hasSignature && commit ? readVerifyOutput(context, object, commit, signers) : null,
    commit ? readRefsContaining(context.git, commit, [`${context.view.heads}${stableGlob}`]) : [],
  ]);
  const signature = verifyOutput === null ? null : parseVerifyOutput(verifyOutput);
  return {
    ...empty,
    exists: true,
    annotated,
    object,
    commit,
    // A lightweight tag has no tagger; its commit's date says nothing about when it was tagged.
    taggerDate: annotated && rawDate && Number.isFinite(seconds) ? new Date(seconds * 1000) : null,
    // The tagger's own offset: his calendar decides which day he tagged on.
    ...(annotated && offset !== undefined ? { taggerOffsetMinutes: offset } : {}),
    subject: annotated ? subject : "",
    hasSignature,
    signature,
    containingBranches: branches.map((branch) => branch.slice(context.view.heads.length)),
    ...(target.type === "tree" || target.type === "blob" ? { target: target.type } : {}),
  };
}

/** Minutes east of UTC from git's raw `+HHMM`/`-HHMM`; undefined for anything else (no date, a garbled one). */
export function parseGitOffset(zone: string): number | undefined {
  const match = /^([+-])(\d{2})([0-5]\d)$/.exec(zone);
  if (!match) return undefined;
  const minutes = Number(match[2]) * 60 + Number(match[3]);
  return match[1] === "-" ? -minutes : minutes;
}

/**
 * `git verify-tag --raw` writes its verdict to stderr, which simple-git drops when git succeeds. A second
 * argument that always fails (the tag's own commit: "cannot verify a non-tag object") makes git exit
 * non-zero after verifying the tag, so simple-git hands back stdout+stderr for either verdict.
 */
async function readVerifyOutput(
  context: Pick<GitContext, "git">,
  tagObject: string,
  commit: string,
  allowedSignersFile: string | undefined,
): Promise<string> {
  const config = allowedSignersFile ? ["-c", `gpg.ssh.allowedSignersFile=${allowedSignersFile}`] : [];
  const result = await runCapturing(context.git, [
    ...config,
    "verify-tag",
    "--raw",
    "--end-of-options",
    assertObjectId(tagObject, "tag object"),
    assertObjectId(commit, "commit"),
  ]);
  return result.output;
}
