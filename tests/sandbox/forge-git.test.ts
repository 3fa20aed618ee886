// The forge's git side: pushes over smart HTTP and the webhooks GitHub sends for them.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { git, startSelinux } from "./forge-fixtures.ts";

const ZERO = "0000000000000000000000000000000000000000";

test("a pushed branch sends push then create, signed with the app's secret and GitHub's headers", async (t) => {
  const world = await startSelinux();
  t.after(() => world.close());
  await world.work.run(["push", "origin", "HEAD:refs/heads/main"]);
  const head = (await world.work.run(["rev-parse", "HEAD"])).stdout.trim();
  const got = await world.sandbox.deliver();

  assert.deepEqual(
    got.map((hook) => hook.event),
    ["push", "create"],
  );
  assert.ok(
    got.every((hook) => hook.signatureValid),
    "every signature verifies with @octokit/webhooks-methods",
  );
  const [push, create] = got as [(typeof got)[0], (typeof got)[0]];
  assert.equal(push.payload.ref, "refs/heads/main");
  assert.equal(push.payload.before, ZERO);
  assert.equal(push.payload.after, head);
  assert.equal(push.payload.created, true);
  assert.equal(push.payload.forced, false);
  assert.deepEqual(
    push.payload.commits.map((commit: { message: string }) => commit.message),
    ["Initial commit"],
  );
  assert.deepEqual(push.payload.commits[0].added, ["README"]);
  assert.equal(push.payload.head_commit.id, head);
  assert.equal(push.payload.pusher.name, "paul");
  assert.equal(push.payload.sender.login, "paul");
  assert.equal(push.payload.installation.id, world.installationId);
  assert.equal(push.payload.repository.full_name, "selinux/selinux");
  assert.equal(typeof push.payload.repository.pushed_at, "number", "push payloads carry unix seconds, as GitHub's do");
  assert.deepEqual(
    { ref: create.payload.ref, ref_type: create.payload.ref_type, master_branch: create.payload.master_branch },
    { ref: "main", ref_type: "branch", master_branch: "main" },
  );
  assert.equal(push.headers["x-github-hook-installation-target-type"], "integration");
  assert.equal(push.headers["x-github-hook-installation-target-id"], String(world.forge.app.id));
  assert.match(String(push.headers["x-github-delivery"]), /^[0-9a-f-]{36}$/);

  const record = world.forge.deliveries[0]!;
  const forged = `sha256=${createHmac("sha256", "not-the-secret").update(record.body).digest("hex")}`;
  assert.notEqual(push.headers["x-hub-signature-256"], forged, "the signature depends on the secret");
  assert.equal(
    push.headers["x-hub-signature-256"],
    `sha256=${createHmac("sha256", world.forge.app.webhookSecret).update(record.body).digest("hex")}`,
  );
});

test("an update lists only the new commits; a rewrite is reported as forced; a deletion sends delete", async (t) => {
  const world = await startSelinux();
  t.after(() => world.close());
  await world.work.run(["push", "origin", "HEAD:refs/heads/next"]);
  const first = (await world.work.run(["rev-parse", "HEAD"])).stdout.trim();
  const second = await world.work.commit({ "security/selinux/hooks.c": "int x;\n" }, "selinux: add hooks");
  await world.work.run(["push", "origin", "HEAD:refs/heads/next"]);
  await world.sandbox.deliver();
  const update = world.sandbox.received.filter((hook) => hook.event === "push").at(-1)!;
  assert.deepEqual(
    [update.payload.before, update.payload.after, update.payload.created, update.payload.forced],
    [first, second, false, false],
  );
  assert.deepEqual(
    update.payload.commits.map((commit: { id: string }) => commit.id),
    [second],
  );
  assert.ok(!world.sandbox.received.slice(2).some((hook) => hook.event === "create"), "an update sends no create");

  await world.work.run(["commit", "--quiet", "--amend", "-m", "selinux: add hooks (v2)"]);
  await world.work.run(["push", "--force", "origin", "HEAD:refs/heads/next"]);
  const [forced] = await world.sandbox.deliver();
  assert.equal(forced?.payload.forced, true);

  await world.work.run(["push", "origin", ":refs/heads/next"]);
  const deletion = await world.sandbox.deliver();
  assert.deepEqual(
    deletion.map((hook) => hook.event),
    ["push", "delete"],
  );
  assert.equal(deletion[0]!.payload.deleted, true);
  assert.equal(deletion[0]!.payload.after, ZERO);
  assert.equal(deletion[0]!.payload.head_commit, null);
  assert.deepEqual([deletion[1]!.payload.ref, deletion[1]!.payload.ref_type], ["next", "branch"]);
});

test("one tag sends push and create; four tags pushed at once send nothing for the tags", async (t) => {
  const world = await startSelinux();
  t.after(() => world.close());
  await world.work.run(["push", "origin", "HEAD:refs/heads/main"]);
  await world.sandbox.deliver();
  const head = (await world.work.run(["rev-parse", "HEAD"])).stdout.trim();
  await world.work.run(["tag", "-a", "-m", "selinux/stable-6.9 PR 20240312", "selinux-pr-20240312"]);
  await world.work.run(["push", "origin", "refs/tags/selinux-pr-20240312"]);
  const tagObject = (await world.work.run(["rev-parse", "selinux-pr-20240312"])).stdout.trim();
  const one = await world.sandbox.deliver();
  assert.deepEqual(
    one.map((hook) => `${hook.event}:${hook.payload.ref}`),
    ["push:refs/tags/selinux-pr-20240312", "create:selinux-pr-20240312"],
  );
  assert.equal(one[0]!.payload.after, tagObject, "after is the tag object, as on GitHub");
  assert.equal(one[0]!.payload.head_commit.id, head);
  assert.deepEqual(one[0]!.payload.commits, []);
  assert.equal(one[0]!.payload.base_ref, "refs/heads/main");
  assert.equal(one[1]!.payload.ref_type, "tag");

  for (const name of ["a-1", "a-2", "a-3", "a-4"]) await world.work.run(["tag", name]);
  await world.work.commit({ NEWS: "more\n" });
  await world.work.run([
    "push",
    "origin",
    "HEAD:refs/heads/main",
    "refs/tags/a-1",
    "refs/tags/a-2",
    "refs/tags/a-3",
    "refs/tags/a-4",
  ]);
  const four = await world.sandbox.deliver();
  assert.deepEqual(
    four.map((hook) => `${hook.event}:${hook.payload.ref}`),
    ["push:refs/heads/main"],
  );
  assert.equal((await world.forge.refs("selinux", "selinux")).has("refs/tags/a-4"), true, "the tags did land in git");

  for (const name of ["b-1", "b-2", "b-3"]) await world.work.run(["tag", name]);
  await world.work.run(["push", "origin", "refs/tags/b-1", "refs/tags/b-2", "refs/tags/b-3"]);
  const three = await world.sandbox.deliver();
  assert.equal(three.filter((hook) => hook.event === "push").length, 3, "three tags at once still send events");
});

test("pushing needs credentials with write access; anonymous clones work", async (t) => {
  const world = await startSelinux();
  t.after(() => world.close());
  await world.work.run(["push", "origin", "HEAD:refs/heads/main"]);
  const anonymous = world.forge.gitUrl("selinux", "selinux");
  const denied = await world.work.run(["push", anonymous, "HEAD:refs/heads/sneaky"], { allowFailure: true });
  assert.notEqual(denied.status, 0);
  assert.ok(
    world.forge.requests.some((entry) => entry.status === 401 && entry.route === "/{owner}/{repo}.git/info/refs"),
  );

  world.forge.createUser("reader");
  world.forge.setPermission("selinux", "selinux", "reader", "read");
  const readerPush = await world.work.run(
    ["push", world.forge.gitUrl("selinux", "selinux", "reader"), "HEAD:refs/heads/sneaky"],
    { allowFailure: true },
  );
  assert.notEqual(readerPush.status, 0);
  assert.match(readerPush.stderr, /403/);
  assert.equal((await world.forge.refs("selinux", "selinux")).has("refs/heads/sneaky"), false);

  const dir = mkdtempSync(join(tmpdir(), "forge-clone-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  await git(dir, ["clone", "--quiet", anonymous, "clone"]);
  const cloned = (await git(join(dir, "clone"), ["log", "--format=%s"])).stdout.trim();
  assert.equal(cloned, "Initial commit");
});

test("a repository the app is not installed on sends no webhooks", async (t) => {
  const world = await startSelinux({}, false);
  t.after(() => world.close());
  await world.work.run(["push", "origin", "HEAD:refs/heads/main"]);
  assert.deepEqual(world.forge.pendingDeliveries(), []);
  world.forge.installApp("selinux", ["selinux"]);
  await world.work.commit({ NEWS: "x\n" });
  await world.work.run(["push", "origin", "HEAD:refs/heads/main"]);
  assert.deepEqual(
    world.forge.pendingDeliveries().map((delivery) => delivery.event),
    ["push"],
  );
});

test("a blobless clone gets no blobs, as from GitHub (the forge honours --filter)", async (t) => {
  const world = await startSelinux();
  t.after(() => world.close());
  await world.work.run(["push", "origin", "HEAD:refs/heads/main"]);
  const dir = mkdtempSync(join(tmpdir(), "forge-blobless-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const url = world.forge.gitUrl("selinux", "selinux");
  const clone = await git(dir, ["clone", "--quiet", "--bare", "--filter=blob:none", url, "clone.git"]);
  assert.doesNotMatch(clone.stderr, /filtering not recognized/);
  const objects = await git(join(dir, "clone.git"), ["cat-file", "--batch-all-objects", "--batch-check=%(objecttype)"]);
  const types = objects.stdout.trim().split("\n");
  assert.ok(types.includes("commit") && types.includes("tree"), types.join(","));
  assert.ok(!types.includes("blob"), `no blob in a blobless clone: ${types.join(",")}`);
});
