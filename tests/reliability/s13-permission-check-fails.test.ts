// Scenario 13: the permission check itself fails. Through the real app and the sandbox forge, the permission
// endpoint answers 500, 502, 503 or 403 (the maintainer really has maintain): the command is denied with "could not
// be verified… Nothing was done", and nothing changes; a 404 reads as no permission. A time-out is checked on the
// GitHub adapter over real HTTP (the forge cannot hang a request): it reads as unknown, which denies.
import { test } from "node:test";
import assert from "node:assert/strict";
import nock from "nock";
import { Octokit } from "@octokit/rest";
import { createGitHubAdapter } from "../../src/adapters/github/index.ts";
import { findTrackingIssue } from "../../src/sandbox/replay-state.ts";
import { OWNER, REPO, openReliabilityWorld } from "./reliability-world.ts";

const ROUTE = "/repos/{owner}/{repo}/collaborators/{username}/permission";

test("s13: a permission endpoint that fails denies: 'could not be verified', nothing done", async (t) => {
  const world = await openReliabilityWorld();
  t.after(() => world.close());
  const replies = () =>
    findTrackingIssue(world.replay.forge, OWNER, REPO)!
      .comments.filter((comment) => comment.author.endsWith("[bot]") && comment.body.includes("merge-window:reply:"))
      .map((comment) => comment.body);

  for (const status of [500, 502, 503, 403, 404]) {
    const before = replies().length;
    await world.comment("/merge-window version 6.9", () =>
      world.replay.forge.failNext("GET", ROUTE, { status, afterApplying: false }),
    );
    assert.equal(world.memory()?.versionOverride, null, `HTTP ${status}: nothing recorded`);
    const added = replies().slice(before);
    assert.equal(added.length, 1, `HTTP ${status}: one reply`);
    const expected =
      status === 404 ? /yours is none\. Nothing was done\./ : /could not be verified\. Nothing was done\./;
    assert.match(added[0]!, expected, `HTTP ${status}`);
  }

  await world.comment("/merge-window version 6.9");
  assert.equal(world.memory()?.versionOverride, "6.9", "with the endpoint answering, the same command runs");
});

test("s13: a permission request that times out reads as unknown (deny), not as a permission", async () => {
  nock.disableNetConnect();
  try {
    const path = "/repos/o/r/collaborators/pcmoore/permission";
    nock("https://api.github.com")
      .get(path)
      .delay(2_000)
      .reply(200, { role_name: "admin", permission: "admin", user: { login: "pcmoore" } });
    const octokit = new Octokit({ log: { debug() {}, info() {}, warn() {}, error() {} }, request: { retries: 0 } });
    const adapter = createGitHubAdapter({ octokit, owner: "o", repo: "r", appSlug: "merge-window", timeoutMs: 100 });
    assert.equal(await adapter.getPermission("pcmoore"), null);
  } finally {
    nock.cleanAll();
    nock.enableNetConnect();
  }
});
