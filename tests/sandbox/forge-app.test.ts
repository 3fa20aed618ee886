// The app's side of the forge: JWT and installation auth, repository reads, permissions, the route table.
import { test } from "node:test";
import assert from "node:assert/strict";
import { generateKeyPairSync } from "node:crypto";
import { Octokit } from "@octokit/rest";
import { createAppAuth } from "@octokit/auth-app";
import { FORGE_ROUTE_KEYS } from "../../src/sandbox/forge/index.ts";
import { appOctokit, rejection, startSelinux, userOctokit } from "./forge-fixtures.ts";

const owner = "selinux";
const repo = "selinux";

function jwtOctokit(baseUrl: string, appId: number, privateKey: string): Octokit {
  return new Octokit({
    baseUrl,
    authStrategy: createAppAuth,
    auth: { appId, privateKey },
    log: { debug() {}, info() {}, warn() {}, error() {} },
  });
}

test("the app authenticates with a JWT signed by its key, then acts through installation tokens", async (t) => {
  const world = await startSelinux();
  t.after(() => world.close());
  const asApp = jwtOctokit(world.forge.baseUrl, world.forge.app.id, world.forge.app.privateKey);
  const me = await asApp.rest.apps.getAuthenticated();
  assert.deepEqual([me.data?.id, me.data?.slug], [world.forge.app.id, "merge-window"]);
  const installations = await asApp.rest.apps.listInstallations();
  assert.deepEqual(
    installations.data.map((installation) => [installation.id, installation.account?.login, installation.app_id]),
    [[world.installationId, "selinux", world.forge.app.id]],
  );
  const found = await asApp.rest.apps.getRepoInstallation({ owner, repo });
  assert.equal(found.data.id, world.installationId);

  const app = appOctokit(world.forge, world.installationId);
  const repos = await app.rest.apps.listReposAccessibleToInstallation();
  assert.deepEqual(
    [repos.data.total_count, repos.data.repositories.map((entry) => entry.full_name)],
    [1, ["selinux/selinux"]],
  );
  assert.equal((await app.rest.repos.get({ owner, repo })).data.default_branch, "main");

  const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const impostor = jwtOctokit(
    world.forge.baseUrl,
    world.forge.app.id,
    privateKey.export({ type: "pkcs1", format: "pem" }).toString(),
  );
  const refused = await rejection(impostor.rest.apps.listInstallations());
  assert.deepEqual(
    [refused.status, (refused.response?.data as { message: string }).message],
    [401, "A JSON web token could not be decoded"],
  );
  const tokenOnAppRoute = await rejection(userOctokit(world.forge, world.paulToken).rest.apps.listInstallations());
  assert.equal(tokenOnAppRoute.status, 401);
});

test("a forge clock far from real time: the JWT refused once (GitHub's message), auth-app corrects", async (t) => {
  const world = await startSelinux({ clock: () => new Date("2024-03-12T10:00:00Z") });
  t.after(() => world.close());
  const app = appOctokit(world.forge, world.installationId);
  await app.rest.issues.create({ owner, repo, title: "tracking" });
  const tokenRequests = world.forge.requests.filter(
    (entry) => entry.route === "/app/installations/{installation_id}/access_tokens",
  );
  assert.deepEqual(
    tokenRequests.map((entry) => entry.status),
    [401, 201],
  );
});

test("collaborator permission reports GitHub's permission and role_name for each role", async (t) => {
  const world = await startSelinux();
  t.after(() => world.close());
  const roles = ["admin", "maintain", "write", "triage", "read"] as const;
  for (const role of roles) {
    world.forge.createUser(`user-${role}`);
    world.forge.setPermission(owner, repo, `user-${role}`, role);
  }
  world.forge.createUser("outsider");
  const app = appOctokit(world.forge, world.installationId);
  const answers: string[] = [];
  for (const username of [...roles.map((role) => `user-${role}`), "outsider"]) {
    const { data } = await app.rest.repos.getCollaboratorPermissionLevel({ owner, repo, username });
    answers.push(`${username}:${data.permission}/${data.role_name}/${data.user?.permissions?.push}`);
  }
  assert.deepEqual(answers, [
    "user-admin:admin/admin/true",
    "user-maintain:write/maintain/true",
    "user-write:write/write/true",
    "user-triage:read/triage/false",
    "user-read:read/read/false",
    "outsider:read/read/false",
  ]);
  assert.equal(
    (await rejection(app.rest.repos.getCollaboratorPermissionLevel({ owner, repo, username: "ghost" }))).status,
    404,
  );

  await world.forge.createRepo(owner, "private", { private: true });
  world.forge.installApp(owner, ["private"]);
  const hidden = await appOctokit(world.forge, world.installationId).rest.repos.getCollaboratorPermissionLevel({
    owner,
    repo: "private",
    username: "outsider",
  });
  assert.deepEqual([hidden.data.permission, hidden.data.role_name], ["none", "none"]);
});

test("contents are read from git at a ref: base64 files, directory listings, 404s", async (t) => {
  const world = await startSelinux();
  t.after(() => world.close());
  await world.work.commit({ ".github/merge-window.yml": "subsystem: selinux\n" }, "config v1");
  await world.work.run(["tag", "v1"]);
  await world.work.commit({ ".github/merge-window.yml": "subsystem: selinux\nvariant: B\n" }, "config v2");
  await world.work.run(["push", "origin", "HEAD:refs/heads/main", "--tags"]);
  const app = appOctokit(world.forge, world.installationId);
  const read = async (ref?: string) => {
    const { data } = await app.rest.repos.getContent({
      owner,
      repo,
      path: ".github/merge-window.yml",
      ...(ref ? { ref } : {}),
    });
    assert.ok(!Array.isArray(data) && data.type === "file" && "content" in data);
    return Buffer.from(data.content, "base64").toString("utf8");
  };
  assert.equal(await read(), "subsystem: selinux\nvariant: B\n");
  assert.equal(await read("v1"), "subsystem: selinux\n");
  assert.equal(await read((await world.work.run(["rev-parse", "HEAD~1"])).stdout.trim()), "subsystem: selinux\n");
  const listing = await app.rest.repos.getContent({ owner, repo, path: ".github" });
  assert.ok(Array.isArray(listing.data));
  assert.deepEqual(
    listing.data.map((entry) => [entry.name, entry.type]),
    [["merge-window.yml", "file"]],
  );
  assert.equal((await rejection(app.rest.repos.getContent({ owner, repo, path: "missing.yml" }))).status, 404);
  assert.equal(
    (await rejection(app.rest.repos.getContent({ owner, repo, path: "README", ref: "no-such-branch" }))).status,
    404,
  );
  assert.equal((await rejection(app.rest.repos.getContent({ owner, repo, path: "../README" }))).status, 404);
});

test("every route of the table is a route of GitHub's REST API as Octokit knows it", async () => {
  const octokit = new Octokit();
  const known = new Set<string>();
  for (const scope of Object.values(octokit.rest)) {
    for (const method of Object.values(
      scope as Record<string, { endpoint?: { DEFAULTS?: { method: string; url: string } } }>,
    )) {
      const defaults = method.endpoint?.DEFAULTS;
      if (defaults) known.add(`${defaults.method} ${defaults.url}`);
    }
  }
  assert.ok(known.size > 500, "Octokit's endpoint list was read");
  assert.deepEqual(
    FORGE_ROUTE_KEYS.filter((key) => !known.has(key)),
    [],
  );
  assert.equal(new Set(FORGE_ROUTE_KEYS).size, FORGE_ROUTE_KEYS.length);
});
