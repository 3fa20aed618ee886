// The KeyValueStore in Redis, shared by two instances (two Probot apps, each with its own Redis connection, on
// the sandbox forge): the second instance's read of an issue is a conditional request with the first one's ETag,
// answered 304, on the installation token the first one created (GitHub's ETags are per token). Keys are
// namespaced and expire.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { createProbot } from "probot";
import { Redis } from "ioredis";
import { createGitHubAdapter } from "../../src/adapters/github/index.ts";
import { createRedisStore } from "../../src/adapters/store-redis.ts";
import { createMemoryStore, type KeyValueStore } from "../../src/adapters/store.ts";
import { appOctokitOverrides, createRedisTokenCache } from "../../src/app/token-cache.ts";
import { createForge, type Forge } from "../../src/sandbox/forge/index.ts";
import { openRedisSpace, REDIS_URL, redisSkipReason } from "../reliability/redis-world.ts";

const skip = (await redisSkipReason()) ?? false;
const OWNER = "subsys";
const REPO = "selinux";
const ISSUE_ROUTE = "/repos/{owner}/{repo}/issues/{issue_number}";
const TOKEN_ROUTE = "/app/installations/{installation_id}/access_tokens";

describe("a KeyValueStore in Redis shared by two instances", { skip }, () => {
  let forge: Forge;
  let space: Awaited<ReturnType<typeof openRedisSpace>>;
  let installationId: number;
  let issue: number;
  const clients: Redis[] = [];

  before(async () => {
    forge = await createForge();
    space = await openRedisSpace();
    const token = forge.createUser("paul");
    await forge.createRepo(OWNER, REPO, { defaultBranch: "main" });
    forge.setPermission(OWNER, REPO, "paul", "maintain");
    installationId = forge.installApp(OWNER, [REPO]);
    const res = await fetch(`${forge.baseUrl}/repos/${OWNER}/${REPO}/issues`, {
      method: "POST",
      headers: { authorization: `token ${token}`, "content-type": "application/json" },
      body: JSON.stringify({ title: "tracking" }),
    });
    issue = ((await res.json()) as { number: number }).number;
  });
  after(async () => {
    for (const client of clients) client.disconnect();
    await space?.clean();
    await forge?.close();
  });

  /** One instance: a Probot app of its own; with `shared`, its store and token cache are Redis's. */
  async function instance(shared: boolean) {
    const redis = new Redis(REDIS_URL);
    clients.push(redis);
    const probot = createProbot({
      env: {
        APP_ID: String(forge.app.id),
        PRIVATE_KEY: forge.app.privateKey,
        WEBHOOK_SECRET: forge.app.webhookSecret,
        GHE_HOST: forge.baseUrl.replace(/^http:\/\//, ""),
        GHE_PROTOCOL: "http",
        LOG_LEVEL: "error",
      },
      overrides: shared ? appOctokitOverrides(createRedisTokenCache(redis, `${space.prefix}:token`)) : {},
    });
    const store: KeyValueStore = shared ? createRedisStore(redis, `${space.prefix}:kv`) : createMemoryStore();
    const octokit = await probot.auth(installationId);
    return createGitHubAdapter({ octokit, owner: OWNER, repo: REPO, appSlug: "merge-window", store });
  }

  /** The issue read by a first, then by b: the requests each read sent. */
  async function readTwice(shared: boolean) {
    const [a, b] = [await instance(shared), await instance(shared)];
    const start = forge.requests.length;
    assert.ok(await a.readIssue(issue));
    assert.ok(await b.readIssue(issue));
    const sent = forge.requests.slice(start);
    return {
      reads: sent
        .filter((r) => r.route === ISSUE_ROUTE)
        .map((r) => `${r.status}${r.conditional ? " conditional" : ""}`),
      tokens: sent.filter((r) => r.route === TOKEN_ROUTE).length,
    };
  }

  it("the second instance's read carries the first one's ETag and is answered 304, on one token", async () => {
    const { reads, tokens } = await readTwice(true);
    assert.deepEqual(reads, ["200", "304 conditional"]);
    assert.equal(tokens, 1, "one installation token for both instances");
    // Namespaced, and every key expires.
    const keys = await space.redis.keys(`${space.prefix}:kv:*`);
    assert.ok(keys.length > 0, "the ETag is kept in Redis");
    for (const key of [...keys, ...(await space.redis.keys(`${space.prefix}:token:*`))]) {
      const ttl = await space.redis.pttl(key);
      assert.ok(ttl > 0, `${key} has a TTL (${ttl})`);
    }
  });

  it("in memory (no REDIS_URL) each instance reads in full, on a token of its own", async () => {
    await space.redis.del(...(await space.redis.keys(`${space.prefix}:*`)));
    const { reads, tokens } = await readTwice(false);
    assert.deepEqual(reads, ["200", "200"]);
    assert.equal(tokens, 2);
  });
});
