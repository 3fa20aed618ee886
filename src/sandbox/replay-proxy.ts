// A pass-through HTTP proxy in front of the forge's git for the app: a test can act while one of the app's pushes
// is on its way (a maintainer's push racing the app's rebase), deterministically.
import { createServer, request as httpRequest, type IncomingMessage, type Server } from "node:http";
import { gunzipSync } from "node:zlib";

/** One ref update of a push, as the pack protocol's command lines carry it. */
export interface PushCommand {
  readonly old: string;
  readonly new: string;
  readonly ref: string;
}

export interface GitProxy {
  /** The proxy's base URL: the app's `gitBaseUrl`. */
  readonly url: string;
  /** Runs `hook` (once) before the next push carrying a command for `ref` is forwarded. */
  beforePush(ref: string, hook: (commands: readonly PushCommand[]) => Promise<void>): void;
  close(): Promise<void>;
}

/** Reads the command pkt-lines (`<old> <new> <ref>\0caps`, then a flush) at the start of a receive-pack body. */
function parsePushCommands(body: Buffer): PushCommand[] {
  const commands: PushCommand[] = [];
  let at = 0;
  while (at + 4 <= body.length) {
    const length = Number.parseInt(body.subarray(at, at + 4).toString("latin1"), 16);
    if (!Number.isFinite(length) || length === 0) break;
    const line = body
      .subarray(at + 4, at + length)
      .toString("utf8")
      .split("\0")[0]!
      .replace(/\n$/, "");
    const [old = "", next = "", ref = ""] = line.split(" ");
    commands.push({ old, new: next, ref });
    at += length;
  }
  return commands;
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

export async function startGitProxy(target: string): Promise<GitProxy> {
  const hooks: { ref: string; hook: (commands: readonly PushCommand[]) => Promise<void> }[] = [];
  const server: Server = createServer((req, res) => {
    void (async () => {
      const body = await readBody(req);
      if (req.url?.endsWith("/git-receive-pack") && req.method === "POST") {
        const plain = req.headers["content-encoding"] === "gzip" ? gunzipSync(body) : body;
        const commands = parsePushCommands(plain);
        const index = hooks.findIndex((entry) => commands.some((command) => command.ref === entry.ref));
        if (index >= 0) await hooks.splice(index, 1)[0]!.hook(commands);
      }
      const headers = { ...req.headers };
      delete headers.host;
      if (!req.headers["transfer-encoding"]) headers["content-length"] = String(body.length);
      const upstream = httpRequest(new URL(req.url ?? "/", target), { method: req.method, headers }, (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      });
      upstream.on("error", (error) => {
        if (!res.headersSent) res.writeHead(502);
        res.end(String(error));
      });
      upstream.end(body);
    })().catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(502);
      res.end(String(error));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    beforePush(ref, hook) {
      hooks.push({ ref, hook });
    },
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
