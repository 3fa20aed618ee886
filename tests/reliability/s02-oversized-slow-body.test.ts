// Scenario 2 (README: Reliability): an oversized body (declared, or streamed with no Content-Length) is refused with
// 413 and the connection closed at the 25 MB cap, before the rest is read and before Probot verifies or hashes
// anything; a slow client is cut off by the header and request timeouts. Real sockets, real Probot middleware.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { connect, type Socket } from "node:net";
import type { AddressInfo } from "node:net";
import { createNodeMiddleware } from "probot";
import type { Server } from "node:http";
import {
  createWebhookServer,
  WEBHOOK_LIMITS,
  type NodeMiddleware,
  type WebhookLimits,
} from "../../src/app/http-server.ts";
import { createTestProbot, SECRET } from "../app/app-world.ts";

const MB = 1024 * 1024;
const PATH = "/api/github/webhooks";

interface Served {
  readonly port: number;
  /** Requests that reached Probot's middleware (past the cap). */
  readonly reached: () => number;
  /** Push events the app received (signature verified). */
  readonly pushes: string[];
  close(): Promise<void>;
}

/** Probot's real middleware for an app that records pushes, behind the webhook server. */
async function serve(limits: Partial<WebhookLimits> = {}): Promise<Served> {
  const pushes: string[] = [];
  const probot = createTestProbot();
  const middleware = await createNodeMiddleware(
    (app) => {
      app.on("push", (context) => void pushes.push(context.id));
    },
    { probot },
  );
  let reached = 0;
  const counted: NodeMiddleware = (request, response, next) => {
    reached++;
    return middleware(request, response, next);
  };
  const server: Server = createWebhookServer(counted, { ...WEBHOOK_LIMITS, ...limits });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    port: (server.address() as AddressInfo).port,
    reached: () => reached,
    pushes,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

interface Exchange {
  /** What the server answered (status line first), once the socket closed. */
  readonly response: string;
  /** Body bytes the client managed to hand to the socket before the server closed it. */
  readonly sent: number;
}

/**
 * Writes `head`, then up to `total` body bytes in 1 MB chunks (chunked encoding when `chunked`), stopping when the
 * server closes the connection; resolves once the socket is closed (bounded by `limitMs`).
 */
function exchange(port: number, head: string, total: number, chunked: boolean, limitMs = 60_000): Promise<Exchange> {
  return new Promise((resolve, reject) => {
    const socket: Socket = connect(port, "127.0.0.1");
    let response = "";
    let sent = 0;
    let closed = false;
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`the server kept the connection open for ${limitMs} ms`));
    }, limitMs);
    socket.on("data", (data: Buffer) => (response += data.toString("latin1")));
    socket.on("error", () => {});
    socket.on("close", () => {
      closed = true;
      clearTimeout(timer);
      resolve({ response, sent });
    });
    const chunk = Buffer.alloc(MB, 0x61);
    const pump = () => {
      while (!closed && sent < total) {
        const framed = chunked
          ? Buffer.concat([Buffer.from(`${chunk.length.toString(16)}\r\n`), chunk, Buffer.from("\r\n")])
          : chunk;
        sent += chunk.length;
        if (!socket.write(framed)) return void socket.once("drain", pump);
      }
      if (!closed && chunked) socket.write("0\r\n\r\n");
    };
    socket.on("connect", () => {
      socket.write(head);
      if (total > 0) pump();
    });
  });
}

const headOf = (headers: Record<string, string>) =>
  `POST ${PATH} HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\nx-github-event: push\r\n` +
  `x-github-delivery: d-1\r\nx-hub-signature-256: sha256=${"0".repeat(64)}\r\n` +
  Object.entries(headers)
    .map(([name, value]) => `${name}: ${value}\r\n`)
    .join("") +
  "\r\n";

describe("s02: oversized or slow webhook bodies", () => {
  it("refuses a declared 100 MB body with 413 before reading any of it", async () => {
    const served = await serve();
    try {
      const { response } = await exchange(served.port, headOf({ "content-length": String(100 * MB) }), 0, false);
      assert.match(response, /^HTTP\/1\.1 413 /);
      assert.equal(served.reached(), 0, "Probot never saw the request");
    } finally {
      await served.close();
    }
  });

  it("cuts a 100 MB chunked body (no Content-Length) off at the 25 MB cap with 413", async () => {
    const served = await serve();
    try {
      const { response, sent } = await exchange(
        served.port,
        headOf({ "transfer-encoding": "chunked" }),
        100 * MB,
        true,
      );
      assert.match(response, /^HTTP\/1\.1 413 /);
      assert.ok(sent < 100 * MB, `the server closed the connection before the whole body came (${sent / MB} MB sent)`);
      assert.equal(served.reached(), 0, "Probot never saw the request");
    } finally {
      await served.close();
    }
  });

  it("still passes a signed webhook under the cap to Probot, which verifies it and runs the app", async () => {
    const served = await serve();
    try {
      const body = JSON.stringify({ ref: "refs/heads/next", padding: "x".repeat(2 * MB) });
      const signature = `sha256=${createHmac("sha256", SECRET).update(body).digest("hex")}`;
      const response = await fetch(`http://127.0.0.1:${served.port}${PATH}`, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          "x-github-event": "push",
          "x-github-delivery": "d-under-cap",
          "x-hub-signature-256": signature,
        },
        body,
      });
      await response.arrayBuffer();
      assert.equal(response.status, 200);
      assert.deepEqual(served.pushes, ["d-under-cap"]);
    } finally {
      await served.close();
    }
  });

  it("closes a connection whose headers never finish, and one whose body trickles in", async () => {
    const limits = { headersTimeoutMs: 300, requestTimeoutMs: 600, checkIntervalMs: 100 };
    const served = await serve(limits);
    try {
      const partialHead = `POST ${PATH} HTTP/1.1\r\nhost: 127.0.0.1\r\nx-github-event: push\r\n`;
      const stalledHead = await exchange(served.port, partialHead, 0, false, 20_000);
      assert.match(stalledHead.response, /^HTTP\/1\.1 408 |^$/, "408 Request Timeout, or simply closed");
      // One byte of a declared 100-byte body, then silence: the request timeout ends it.
      const trickle = await exchange(served.port, `${headOf({ "content-length": "100" })}{`, 0, false, 20_000);
      assert.match(trickle.response, /^HTTP\/1\.1 408 |^$/);
      assert.equal(served.reached(), 0);
    } finally {
      await served.close();
    }
  });
});
