// The webhook HTTP server: GitHub's 25 MB body cap enforced while the body streams in (413 before it is all
// buffered or hashed, whatever Content-Length claims), and header and request timeouts against slow clients.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";

export interface WebhookLimits {
  /** Largest body read; GitHub caps webhook payloads at 25 MB and never sends more. */
  readonly maxBodyBytes: number;
  /** Time allowed for the request line and headers (node's headersTimeout). */
  readonly headersTimeoutMs: number;
  /** Time allowed for the whole request, body included (node's requestTimeout): a 1-byte-a-second body ends. */
  readonly requestTimeoutMs: number;
  /** How often node looks for connections over those timeouts. */
  readonly checkIntervalMs: number;
}

export const WEBHOOK_LIMITS: WebhookLimits = {
  maxBodyBytes: 25 * 1024 * 1024,
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  checkIntervalMs: 1_000,
};

/** Probot's createNodeMiddleware (or anything shaped like it). */
export type NodeMiddleware = (request: IncomingMessage, response: ServerResponse, next?: () => void) => unknown;

/**
 * Reads a POST body up to `maxBytes`, then hands the request on with `body` set to the text, which Probot's
 * middleware (@octokit/webhooks' getPayload) takes instead of reading the stream. A body over the cap, declared
 * or counted, gets 413 and a closed connection: the rest is never read, nothing is verified or hashed.
 */
export function limitBody(middleware: NodeMiddleware, maxBytes: number): NodeMiddleware {
  return (request, response, next) => {
    const notFound = () => {
      response.writeHead(404).end();
    };
    if (request.method !== "POST") return middleware(request, response, next ?? notFound);
    const refuse = () => {
      if (!response.headersSent) {
        response.writeHead(413, { connection: "close", "content-type": "text/plain" });
        response.end(`webhook body larger than ${maxBytes} bytes refused\n`);
      }
      // Stop reading: the socket closes once the 413 is written.
      request.pause();
      response.on("finish", () => request.socket.destroy());
    };
    const declared = Number(request.headers["content-length"]);
    if (Number.isFinite(declared) && declared > maxBytes) return refuse();
    const chunks: Buffer[] = [];
    let size = 0;
    let refused = false;
    request.on("data", (chunk: Buffer) => {
      if (refused) return;
      size += chunk.length;
      if (size > maxBytes) {
        refused = true;
        chunks.length = 0;
        return refuse();
      }
      chunks.push(chunk);
    });
    request.on("end", () => {
      if (refused) return;
      (request as IncomingMessage & { body?: string }).body = Buffer.concat(chunks).toString("utf8");
      void middleware(request, response, next ?? notFound);
    });
    request.on("error", () => {
      refused = true;
    });
  };
}

/** An HTTP server for `middleware` with the body cap and the timeouts of `limits`. */
export function createWebhookServer(middleware: NodeMiddleware, limits: WebhookLimits = WEBHOOK_LIMITS): Server {
  const handler = limitBody(middleware, limits.maxBodyBytes);
  const server = createServer(
    {
      headersTimeout: limits.headersTimeoutMs,
      requestTimeout: limits.requestTimeoutMs,
      connectionsCheckingInterval: limits.checkIntervalMs,
    },
    (request, response) => void handler(request, response),
  );
  return server;
}
