// Git smart HTTP: `git http-backend` as a CGI per request, basic auth, and webhooks for what a push changed.
import { spawn } from "node:child_process";
import type { IncomingMessage, ServerResponse } from "node:http";
import { buildGitEnv } from "../../adapters/git/runner.ts";
import { authenticateBasic } from "./auth.ts";
import type { ForgeContext } from "./context.ts";
import { ForgeHttpError } from "./http.ts";
import { emitRefChanges } from "./ref-events.ts";
import { accountOf, assertCanRead, assertCanWrite, repoKey } from "./state.ts";
import type { Actor, ForgeRepo } from "./types.ts";

const GIT_PATH = /^\/([^/]+)\/([^/]+?)\.git(\/(?:info\/refs|git-upload-pack|git-receive-pack))$/;

/** The route template a git request is logged under, or null when the path is not a smart-HTTP path. */
export function matchGitPath(pathname: string): { owner: string; name: string; suffix: string } | null {
  const match = GIT_PATH.exec(pathname);
  return match
    ? { owner: decodeURIComponent(match[1]!), name: decodeURIComponent(match[2]!), suffix: match[3]! }
    : null;
}

/** Serves one smart-HTTP request; resolves with the status and the acting login, for the request log. */
export async function handleGitRequest(
  ctx: ForgeContext,
  root: string,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  target: { owner: string; name: string; suffix: string },
): Promise<{ status: number; actor: string | null }> {
  const repo = ctx.state.repos.get(repoKey(target.owner, target.name));
  const pushing = target.suffix === "/git-receive-pack" || url.searchParams.get("service") === "git-receive-pack";
  let actor: Actor | null = null;
  const answer = (status: number) => ({ status, actor: actor ? accountOf(ctx.state, actor).login : null });
  try {
    if (!repo) throw new ForgeHttpError(404, "Repository not found.");
    actor = authenticateGit(ctx, req.headers.authorization);
    if (pushing) {
      if (!actor) throw new ForgeHttpError(401, "Authentication required to push.");
      assertCanWrite(repo, actor, "write");
    } else if (repo.private) {
      if (!actor) throw new ForgeHttpError(401, "Authentication required.");
      assertCanRead(repo, actor);
    }
    if (target.suffix !== "/git-receive-pack")
      return answer(await runBackend(root, repo, req, res, url, target.suffix, actor));
    const pusher = accountOf(ctx.state, actor!);
    return answer(
      await repo.git.withLock(async () => {
        const before = await repo.git.listRefs();
        return runBackend(root, repo, req, res, url, target.suffix, actor, async () => {
          await emitRefChanges(ctx, repo, before, await repo.git.listRefs(), pusher);
        });
      }),
    );
  } catch (error) {
    const status = error instanceof ForgeHttpError ? error.status : 500;
    const headers: Record<string, string> = { "content-type": "text/plain; charset=utf-8" };
    if (status === 401) headers["www-authenticate"] = 'Basic realm="GitHub"';
    if (!res.headersSent) res.writeHead(status, headers);
    res.end(`${(error as Error).message}\n`);
    return answer(status);
  }
}

function authenticateGit(ctx: ForgeContext, header: string | undefined): Actor | null {
  if (!header) return null;
  const [scheme = "", value = ""] = header.trim().split(/\s+/, 2);
  if (scheme.toLowerCase() !== "basic") throw new ForgeHttpError(401, "Invalid username or password.");
  try {
    return authenticateBasic(ctx, value);
  } catch {
    throw new ForgeHttpError(401, "Invalid username or password.");
  }
}

/**
 * Spawns `git http-backend` with a CGI environment built from a filtered env (no inherited GIT_*), streams
 * its answer, and runs `afterExit` (the webhook diff) before the response ends, so a finished `git push`
 * has its webhooks queued.
 */
function runBackend(
  root: string,
  repo: ForgeRepo,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  suffix: string,
  actor: Actor | null,
  afterExit?: () => Promise<void>,
): Promise<number> {
  const env: Record<string, string> = {
    ...buildGitEnv(),
    GIT_PROJECT_ROOT: root,
    GIT_HTTP_EXPORT_ALL: "1",
    GATEWAY_INTERFACE: "CGI/1.1",
    REQUEST_METHOD: req.method ?? "GET",
    PATH_INFO: `/${repo.owner.login}/${repo.name}.git${suffix}`,
    QUERY_STRING: url.search.replace(/^\?/, ""),
    CONTENT_TYPE: req.headers["content-type"] ?? "",
    REMOTE_ADDR: req.socket.remoteAddress ?? "127.0.0.1",
    REMOTE_USER: actor?.kind === "user" ? actor.user.login : actor ? "x-access-token" : "",
  };
  if (req.headers["content-length"] && !req.headers["transfer-encoding"])
    env.CONTENT_LENGTH = req.headers["content-length"];
  if (req.headers["content-encoding"]) env.HTTP_CONTENT_ENCODING = req.headers["content-encoding"];
  if (typeof req.headers["git-protocol"] === "string") env.HTTP_GIT_PROTOCOL = req.headers["git-protocol"];

  return new Promise((resolve, reject) => {
    const child = spawn("git", ["http-backend"], { env, stdio: ["pipe", "pipe", "pipe"] });
    let pending: Buffer = Buffer.alloc(0);
    let status = 200;
    let headersDone = false;
    const stderr: Buffer[] = [];
    child.stderr.on("data", (chunk: Buffer) => stderr.push(chunk));
    child.stdout.on("data", (chunk: Buffer) => {
      if (headersDone) {
        res.write(chunk);
        return;
      }
      pending = Buffer.concat([pending, chunk]);
      const end = findHeaderEnd(pending);
      if (!end) return;
      const headers: Record<string, string> = {};
      for (const line of pending.subarray(0, end.at).toString("latin1").split(/\r?\n/)) {
        const colon = line.indexOf(":");
        if (colon <= 0) continue;
        const name = line.slice(0, colon).trim().toLowerCase();
        const value = line.slice(colon + 1).trim();
        if (name === "status") status = Number.parseInt(value, 10) || 200;
        else headers[name] = value;
      }
      res.writeHead(status, headers);
      headersDone = true;
      res.write(pending.subarray(end.at + end.length));
    });
    child.on("error", reject);
    child.on("close", (code) => {
      void (async () => {
        if (!headersDone) {
          status = 500;
          res.writeHead(500, { "content-type": "text/plain" });
          res.write(`git http-backend exited with ${code}: ${Buffer.concat(stderr).toString("utf8")}`);
        } else if (afterExit && code === 0) {
          await afterExit();
        }
        res.end();
        resolve(status);
      })().catch(reject);
    });
    req.pipe(child.stdin);
    child.stdin.on("error", () => undefined);
  });
}

function findHeaderEnd(buffer: Buffer): { at: number; length: number } | null {
  const crlf = buffer.indexOf("\r\n\r\n");
  const lf = buffer.indexOf("\n\n");
  if (crlf >= 0 && (lf < 0 || crlf <= lf)) return { at: crlf, length: 4 };
  if (lf >= 0) return { at: lf, length: 2 };
  return null;
}
