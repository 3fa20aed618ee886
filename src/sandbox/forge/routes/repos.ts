// Repository routes: the repository, file contents at a ref (read with git), collaborator permission.
import { isSafeRefName } from "../../../domain/names.ts";
import { countOpenIssues, type ForgeContext } from "../context.ts";
import { ForgeHttpError, notFound } from "../http.ts";
import type { RouteData, RouteHandler } from "../route-types.ts";
import { buildRepository, buildUser } from "../shapes.ts";
import { assertCanRead, findRepo, permissionOf, ROLE_RANK } from "../state.ts";
import type { ForgeRepo } from "../types.ts";

export const getRepo: RouteHandler<"GET /repos/{owner}/{repo}"> = async (ctx, req) => {
  const repo = findRepo(ctx.state, req.params.owner, req.params.repo);
  assertCanRead(repo, req.actor);
  return { status: 200, data: buildRepository(ctx.urls, repo, countOpenIssues(repo)) };
};

/**
 * The commit a user-supplied ref names: a full sha, or a branch or tag name (`refs/heads/x`, `heads/x` too).
 * Names that are not safe ref names never reach git; they simply name nothing.
 */
export async function resolveUserRef(repo: ForgeRepo, ref: string): Promise<string | null> {
  if (/^[0-9a-f]{40}$/.test(ref)) return (await repo.git.objectType(ref)) ? repo.git.resolveCommit(ref) : null;
  const name = ref.replace(/^refs\//, "").replace(/^(heads|tags)\//, "");
  if (!isSafeRefName(name)) return null;
  const candidates = /^(refs\/)?tags\//.test(ref)
    ? [`refs/tags/${name}`]
    : /^(refs\/)?heads\//.test(ref)
      ? [`refs/heads/${name}`]
      : [`refs/heads/${name}`, `refs/tags/${name}`];
  for (const candidate of candidates) {
    const sha = await repo.git.resolveCommit(candidate);
    if (sha) return sha;
  }
  return null;
}

type ContentData = RouteData<"GET /repos/{owner}/{repo}/contents/{path}">;

export const getContent: RouteHandler<"GET /repos/{owner}/{repo}/contents/{path}"> = async (ctx, req) => {
  const repo = findRepo(ctx.state, req.params.owner, req.params.repo);
  assertCanRead(repo, req.actor);
  const ref = req.query.get("ref") || repo.defaultBranch;
  const commit = await resolveUserRef(repo, ref);
  if (!commit) throw new ForgeHttpError(404, `No commit found for the ref ${ref}`);
  const path = (req.params.path ?? "").replace(/^\/+|\/+$/g, "");
  if (path.split("/").some((part) => part === "." || part === "..") || path.includes("\0") || path.includes("//"))
    throw notFound();
  const entry = await repo.git.readPath(commit, path);
  if (!entry) throw notFound();
  if (entry.type === "dir") {
    return {
      status: 200,
      data: entry.entries.map((child) =>
        buildContentEntry(
          ctx,
          repo,
          path ? `${path}/${child.name}` : child.name,
          child.type,
          child.sha,
          child.size,
          ref,
        ),
      ),
    };
  }
  const content = Buffer.from(entry.text, "utf8").toString("base64").replace(/.{60}/g, "$&\n");
  const data: ContentData = {
    ...buildContentEntry(ctx, repo, path, "file", entry.sha, entry.size, ref),
    type: "file",
    encoding: "base64",
    content: content.endsWith("\n") ? content : `${content}\n`,
  };
  return { status: 200, data };
};

function buildContentEntry(
  ctx: ForgeContext,
  repo: ForgeRepo,
  path: string,
  type: "file" | "dir",
  sha: string,
  size: number,
  ref: string,
) {
  const encodedPath = path.split("/").map(encodeURIComponent).join("/");
  const self = `${ctx.urls.api}/repos/${repo.fullName}/contents/${encodedPath}?ref=${encodeURIComponent(ref)}`;
  const gitUrl = `${ctx.urls.api}/repos/${repo.fullName}/git/${type === "dir" ? "trees" : "blobs"}/${sha}`;
  const html =
    `${ctx.urls.html}/${repo.fullName}/${type === "dir" ? "tree" : "blob"}/${encodeURIComponent(ref)}/` +
    `${encodedPath}`;
  return {
    type,
    size: type === "dir" ? 0 : size,
    name: path.split("/").pop() ?? "",
    path,
    sha,
    url: self,
    git_url: gitUrl,
    html_url: html,
    download_url:
      type === "dir" ? null : `${ctx.urls.html}/${repo.fullName}/raw/${encodeURIComponent(ref)}/${encodedPath}`,
    _links: { self, git: gitUrl, html },
  };
}

export const getCollaboratorPermission: RouteHandler<
  "GET /repos/{owner}/{repo}/collaborators/{username}/permission"
> = async (ctx, req) => {
  const repo = findRepo(ctx.state, req.params.owner, req.params.repo);
  assertCanRead(repo, req.actor);
  const account = ctx.state.accounts.get((req.params.username ?? "").toLowerCase());
  if (!account || account.type === "Organization")
    throw new ForgeHttpError(404, `${req.params.username} is not a user`);
  const { permission, roleName } = permissionOf(repo, account.login);
  const rank = roleName === "none" ? 0 : ROLE_RANK[roleName];
  return {
    status: 200,
    data: {
      permission,
      role_name: roleName,
      user: {
        ...buildUser(ctx.urls, account),
        permissions: { pull: rank >= 1, triage: rank >= 2, push: rank >= 3, maintain: rank >= 4, admin: rank >= 5 },
        role_name: roleName,
      },
    },
  };
};
