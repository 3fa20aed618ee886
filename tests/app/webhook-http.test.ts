// Webhooks over HTTP through Probot's createNodeMiddleware: a body signed with the secret (X-Hub-Signature-256) is
// accepted and runs the app; a wrong signature gets 400 and causes no run and no GitHub request.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { existsSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import nock from "nock";
import { MERGE_WINDOW_TAG } from "../fixtures/kernel-repo.ts";
import { openAppWorld, SECRET, type AppWorld } from "./app-world.ts";
import { buildPushPayload } from "./payload-world.ts";

/** Serves the world's middleware on 127.0.0.1 (the only host nock lets through); returns the webhook URL. */
async function serve(world: AppWorld, t: { after: (fn: () => Promise<void>) => void }): Promise<string> {
  const server: Server = createServer((req, res) => {
    void world.middleware!(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  t.after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  nock.enableNetConnect(/^127\.0\.0\.1:\d+$/);
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/github/webhooks`;
}

async function post(url: string, event: string, delivery: string, body: string, signature: string): Promise<number> {
  const response = await fetch(url, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "x-github-event": event,
      "x-github-delivery": delivery,
      "x-hub-signature-256": signature,
    },
    body,
  });
  await response.arrayBuffer();
  return response.status;
}

const sign = (body: string, secret = SECRET) => `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`;

test("a correctly signed push is accepted and runs the app; a wrongly signed one gets 400, does nothing", async (t) => {
  const world = await openAppWorld({
    stage: "window",
    now: "2024-03-13T00:30:00Z",
    unpushedTags: [MERGE_WINDOW_TAG.name],
    middleware: true,
  });
  t.after(() => world.close());
  const url = await serve(world, t);
  const body = JSON.stringify(
    buildPushPayload(world, `refs/tags/${MERGE_WINDOW_TAG.name}`, world.pushTag(MERGE_WINDOW_TAG.name)),
  );

  world.api.expectWrites();
  assert.equal(await post(url, "push", "forged-1", body, sign(body, "not-the-secret")), 400);
  assert.equal(await post(url, "push", "forged-2", body, sign(`${body} `)), 400, "signed over other bytes");
  await world.runtime.idle();
  world.api.assertDone();
  assert.deepEqual(world.api.requests, [], "no GitHub request");
  const refused = world.logs.splice(0).filter((line) => line.startsWith("probot "));
  assert.deepEqual(
    refused,
    Array(2).fill(
      "probot error: AggregateError: [@octokit/webhooks] signature does not match event payload and secret",
    ),
  );
  assert.ok(!existsSync(join(world.dir, "cache", "repos")), "no run: no workspace was opened");

  world.api.allowAnyWrites();
  assert.equal(await post(url, "push", "signed-1", body, sign(body)), 200);
  await world.runtime.idle();
  world.assertDone();
  const checks = world.api
    .writes()
    .filter((r) => r.route === "POST /repos/{owner}/{repo}/check-runs")
    .map((r) => [r.body.name, r.body.conclusion]);
  assert.deepEqual(checks, [[`merge-window / tag ${MERGE_WINDOW_TAG.name}`, "success"]]);
});
