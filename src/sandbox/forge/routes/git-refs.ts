// Git data routes: refs read with for-each-ref, written with compare-and-swap update-ref; annotated tags.
import { z } from "zod";
import { isSafeRefName } from "../../../domain/names.ts";
import { stampNow, type ForgeContext } from "../context.ts";
import { ZERO_SHA, type RefState } from "../git-repo.ts";
import { ForgeHttpError, notFound } from "../http.ts";
import { emitRefChanges } from "../ref-events.ts";
import type { RouteData, RouteHandler } from "../route-types.ts";
import { buildNodeId } from "../shapes.ts";
import { accountOf, assertCanRead, assertCanWrite, findRepo } from "../state.ts";
import type { Actor, ForgeRepo } from "../types.ts";
import { parseBody } from "./validate.ts";

type GitRefShape = RouteData<"GET /repos/{owner}/{repo}/git/ref/{ref}">;

/** `heads/x` or `tags/x` (a REST `{ref}`) → `refs/heads/x`; undefined when the name is not one git may see. */
function toFullRef(ref: string): string | undefined {
  const match = /^(heads|tags)\/(.+)$/.exec(ref);
  return match && isSafeRefName(match[2]!) ? `refs/${ref}` : undefined;
}

function buildGitRef(ctx: ForgeContext, repo: ForgeRepo, ref: string, state: RefState): GitRefShape {
  const api = `${ctx.urls.api}/repos/${repo.fullName}/git`;
  return {
    ref,
    node_id: Buffer.from(`0:Ref${repo.id}:${ref}`).toString("base64").replace(/=+$/, ""),
    url: `${api}/${ref}`,
    object: {
      type: state.type,
      sha: state.sha,
      url: `${api}/${state.type === "tag" ? "tags" : "commits"}/${state.sha}`,
    },
  };
}

export const getRef: RouteHandler<"GET /repos/{owner}/{repo}/git/ref/{ref}"> = async (ctx, req) => {
  const repo = findRepo(ctx.state, req.params.owner, req.params.repo);
  assertCanRead(repo, req.actor);
  const ref = toFullRef(req.params.ref ?? "");
  const state = ref ? (await repo.git.listRefs()).get(ref) : undefined;
  if (!ref || !state) throw notFound();
  return { status: 200, data: buildGitRef(ctx, repo, ref, state) };
};

export const listMatchingRefs: RouteHandler<"GET /repos/{owner}/{repo}/git/matching-refs/{ref}"> = async (ctx, req) => {
  const repo = findRepo(ctx.state, req.params.owner, req.params.repo);
  assertCanRead(repo, req.actor);
  // A prefix match on the name, as GitHub does (`tags/selinux-pr-` matches `tags/selinux-pr-20240312`);
  // the prefix is compared here and never handed to git (for-each-ref matches whole path components only).
  const prefix = `refs/${req.params.ref ?? ""}`;
  const refs = [...(await repo.git.listRefs())].filter(
    ([ref]) => ref.startsWith(prefix) && /^refs\/(heads|tags)\//.test(ref),
  );
  return { status: 200, data: refs.map(([ref, state]) => buildGitRef(ctx, repo, ref, state)) };
};

const CREATE_REF = z.object({ ref: z.string(), sha: z.string() });

export const createRef: RouteHandler<"POST /repos/{owner}/{repo}/git/refs"> = async (ctx, req) => {
  const repo = findRepo(ctx.state, req.params.owner, req.params.repo);
  assertCanWrite(repo, req.actor, "write");
  const body = parseBody(CREATE_REF, req.body, "Reference");
  const ref = body.ref.startsWith("refs/") ? toFullRef(body.ref.slice(5)) : undefined;
  if (!ref) throw new ForgeHttpError(422, `${body.ref} is not a valid ref name.`);
  const sha = await requireObject(repo, body.sha);
  const state = await writeWithEvents(ctx, repo, req.actor, ref, async () => {
    if ((await repo.git.writeRef(ref, sha, ZERO_SHA)) === "stale")
      throw new ForgeHttpError(422, "Reference already exists");
  });
  return { status: 201, data: buildGitRef(ctx, repo, ref, state!) };
};

const UPDATE_REF = z.object({ sha: z.string(), force: z.boolean().optional() });

export const updateRef: RouteHandler<"PATCH /repos/{owner}/{repo}/git/refs/{ref}"> = async (ctx, req) => {
  const repo = findRepo(ctx.state, req.params.owner, req.params.repo);
  assertCanWrite(repo, req.actor, "write");
  const body = parseBody(UPDATE_REF, req.body, "Reference");
  const ref = toFullRef(req.params.ref ?? "");
  if (!ref) throw new ForgeHttpError(422, "Reference does not exist");
  const sha = await requireObject(repo, body.sha);
  const state = await writeWithEvents(ctx, repo, req.actor, ref, async (old) => {
    if (!old) throw new ForgeHttpError(422, "Reference does not exist");
    const next = await repo.git.resolveCommit(sha);
    if (!body.force && old.commit && next && !(await repo.git.isAncestor(old.commit, next))) {
      throw new ForgeHttpError(422, "Update is not a fast forward");
    }
    if ((await repo.git.writeRef(ref, sha, old.sha)) === "stale")
      throw new ForgeHttpError(422, "Reference cannot be updated");
  });
  return { status: 200, data: buildGitRef(ctx, repo, ref, state!) };
};

export const deleteRef: RouteHandler<"DELETE /repos/{owner}/{repo}/git/refs/{ref}"> = async (ctx, req) => {
  const repo = findRepo(ctx.state, req.params.owner, req.params.repo);
  assertCanWrite(repo, req.actor, "write");
  const ref = toFullRef(req.params.ref ?? "");
  if (!ref) throw new ForgeHttpError(422, "Reference does not exist");
  await writeWithEvents(ctx, repo, req.actor, ref, async (old) => {
    if (!old || (await repo.git.writeRef(ref, ZERO_SHA, old.sha)) === "stale")
      throw new ForgeHttpError(422, "Reference does not exist");
  });
  return { status: 204 };
};

/** A ref write under the repository lock, with the same webhooks a push of that change would send. */
async function writeWithEvents(
  ctx: ForgeContext,
  repo: ForgeRepo,
  actor: Actor,
  ref: string,
  write: (old: RefState | null) => Promise<void>,
): Promise<RefState | null> {
  return repo.git.withLock(async () => {
    const before = await repo.git.listRefs();
    await write(before.get(ref) ?? null);
    const after = await repo.git.listRefs();
    await emitRefChanges(ctx, repo, before, after, accountOf(ctx.state, actor));
    return after.get(ref) ?? null;
  });
}

async function requireObject(repo: ForgeRepo, sha: string): Promise<string> {
  if (!/^[0-9a-f]{40}$/.test(sha) || !(await repo.git.objectType(sha)))
    throw new ForgeHttpError(422, "Object does not exist");
  return sha;
}

export const getTag: RouteHandler<"GET /repos/{owner}/{repo}/git/tags/{tag_sha}"> = async (ctx, req) => {
  const repo = findRepo(ctx.state, req.params.owner, req.params.repo);
  assertCanRead(repo, req.actor);
  const sha = req.params.tag_sha ?? "";
  const tag = /^[0-9a-f]{40}$/.test(sha) ? await repo.git.readTag(sha) : null;
  if (!tag) throw notFound();
  const api = `${ctx.urls.api}/repos/${repo.fullName}/git`;
  const verified = tag.signature !== null && (await repo.git.verifyTag(sha, ctx.tagKeys));
  return {
    status: 200,
    data: {
      node_id: buildNodeId("Tag", parseInt(sha.slice(0, 8), 16)),
      tag: tag.tag,
      sha,
      url: `${api}/tags/${sha}`,
      message: tag.message,
      tagger: tag.tagger,
      object: {
        sha: tag.object,
        type: tag.objectType,
        url: `${api}/${tag.objectType === "tag" ? "tags" : "commits"}/${tag.object}`,
      },
      verification: {
        verified,
        reason: tag.signature === null ? "unsigned" : verified ? "valid" : "unknown_key",
        signature: tag.signature,
        payload: tag.signature === null ? null : tag.payload,
        verified_at: verified ? stampNow(ctx) : null,
      },
    },
  };
};
