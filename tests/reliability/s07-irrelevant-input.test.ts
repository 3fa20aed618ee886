// Scenario 7: irrelevant or malformed input over real HTTP through Probot's middleware: unknown events and actions,
// a foreign repository or installation, a signed non-JSON body, and JSON of the wrong shape get a 2xx or 400, make no
// GitHub call, run nothing and do not crash the app (a correct delivery afterwards still runs).
//
// Not covered, and why: payloads are not checked against a zod schema; mapWebhook reads each field it needs and
// ignores the delivery when one is missing or of the wrong type. One case falls short of "2xx or 400": an
// `installation.id` that is not a number makes Probot (@octokit/auth-app, before the app's handler) answer 500;
// nothing runs and nothing is called. The log is Probot's: refusals are not one structured line each.
// A delivery for an installation that is not ours cannot carry a valid signature (GitHub signs with our secret),
// and the test API hands tokens to any installation id, so that case is not modelled. For a repository without
// `.github/merge-window.yml` the app reads that one file (a GET) and does nothing else.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { existsSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import nock from "nock";
import { MERGE_WINDOW_TAG } from "../fixtures/kernel-repo.ts";
import { openAppWorld, SECRET } from "../app/app-world.ts";
import { buildPayload, buildPushPayload } from "../app/payload-world.ts";

test("s07: unknown, unconfigured and malformed deliveries get 2xx/400 and change nothing", async (t) => {
  const world = await openAppWorld({
    stage: "window",
    now: "2024-03-13T00:30:00Z",
    unpushedTags: [MERGE_WINDOW_TAG.name],
    middleware: true,
  });
  t.after(() => world.close());
  const server: Server = createServer((req, res) => void world.middleware!(req, res));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  t.after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  nock.enableNetConnect(/^127\.0\.0\.1:\d+$/);
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/github/webhooks`;
  let n = 0;
  const post = async (event: string, body: string) => {
    const signature = `sha256=${createHmac("sha256", SECRET).update(body).digest("hex")}`;
    const headers = { "x-github-event": event, "x-github-delivery": `s07-${++n}`, "x-hub-signature-256": signature };
    const response = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json", ...headers },
      body,
    });
    await response.arrayBuffer();
    return response.status;
  };

  const tag = `refs/tags/${MERGE_WINDOW_TAG.name}`;
  const push = buildPushPayload(world, tag, world.pushTag(MERGE_WINDOW_TAG.name));
  const { installation: _none, ...noInstallation } = push;
  const deletedComment = { ...buildPayload(world, "issue_comment"), action: "deleted" };
  const cases: [string, string, string, number[]][] = [
    ["unknown event", "gollum", JSON.stringify(buildPayload(world, "gollum")), [200]],
    ["unknown action", "issue_comment", JSON.stringify(deletedComment), [200]],
    ["no installation", "push", JSON.stringify(noInstallation), [200]],
    ["signed non-JSON", "push", "this is not json", [400]],
    ["JSON of the wrong shape", "push", JSON.stringify({ ...push, ref: 42, after: null, repository: "x" }), [200]],
    // Probot builds the installation's client before any handler runs: a non-numeric id is its 500 (see above).
    ["installation id of the wrong type", "push", JSON.stringify({ ...push, installation: { id: "y" } }), [500]],
    ["a JSON array", "push", "[1,2,3]", [200, 400]],
  ];
  world.api.expectWrites();
  // The repository without `.github/merge-window.yml` (GitHub answers 404 for it): the app reads it and stops.
  const files = world.api.state.files;
  const config = files.get(".github/merge-window.yml")!;
  files.delete(".github/merge-window.yml");
  assert.equal(await post("push", JSON.stringify(push)), 200, "a repository that is not configured");
  await world.runtime.idle();
  files.set(".github/merge-window.yml", config);
  for (const [what, event, body, statuses] of cases) {
    const status = await post(event, body);
    assert.ok(statuses.includes(status), `${what}: ${status} ${world.logs.slice(-3).join("\n")}`);
    await world.runtime.idle();
  }
  world.api.assertDone();
  const calls = world.api.requests.map((r) => `${r.method} ${r.route}`);
  assert.ok(
    calls.every((call) => call.startsWith("GET ") || call.endsWith("/access_tokens")),
    calls.join("\n"),
  );
  const read = world.api.requests.filter((r) => r.route === "GET /repos/{owner}/{repo}/contents/{path}");
  assert.equal(read.length, 1, "one read: the unconfigured repository's missing configuration file");
  assert.ok(!existsSync(join(world.dir, "cache", "repos")), "nothing ran: no workspace was opened");
  assert.ok(!world.logs.some((line) => / fatal: /.test(line)), world.logs.join("\n"));

  world.api.allowAnyWrites();
  assert.equal(await post("push", JSON.stringify(push)), 200, "the app still answers a real delivery");
  await world.runtime.idle();
  assert.ok(existsSync(join(world.dir, "cache", "repos")), "and runs it");
});
