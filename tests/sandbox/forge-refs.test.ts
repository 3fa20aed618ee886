// The forge's git data API (refs and tags) through the real @octokit/rest, checked against git itself.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { appOctokit, rejection, startSelinux, userOctokit } from "./forge-fixtures.ts";

const run = promisify(execFile);
const owner = "selinux";
const repo = "selinux";

test("refs: create, again (422), bad sha (422), fast-forward unless forced, delete (204, then 422)", async (t) => {
  const world = await startSelinux();
  t.after(() => world.close());
  const first = (await world.work.run(["rev-parse", "HEAD"])).stdout.trim();
  const second = await world.work.commit({ NEWS: "two\n" });
  await world.work.run(["push", "origin", `${first}:refs/heads/main`, "HEAD:refs/heads/next"]);
  await world.sandbox.deliver();
  const app = appOctokit(world.forge, world.installationId);

  const created = await app.rest.git.createRef({ owner, repo, ref: "refs/heads/stable-6.9", sha: first });
  assert.equal(created.status, 201);
  assert.deepEqual(
    [created.data.ref, created.data.object.sha, created.data.object.type],
    ["refs/heads/stable-6.9", first, "commit"],
  );
  const again = await rejection(app.rest.git.createRef({ owner, repo, ref: "refs/heads/stable-6.9", sha: second }));
  assert.deepEqual(
    [again.status, (again.response?.data as { message: string }).message],
    [422, "Reference already exists"],
  );
  const badSha = await rejection(app.rest.git.createRef({ owner, repo, ref: "refs/heads/other", sha: "1".repeat(40) }));
  assert.equal(badSha.status, 422);

  const forward = await app.rest.git.updateRef({ owner, repo, ref: "heads/stable-6.9", sha: second });
  assert.equal(forward.data.object.sha, second);
  const backward = await rejection(app.rest.git.updateRef({ owner, repo, ref: "heads/stable-6.9", sha: first }));
  assert.deepEqual(
    [backward.status, (backward.response?.data as { message: string }).message],
    [422, "Update is not a fast forward"],
  );
  assert.equal(
    (await world.forge.refs(owner, repo)).get("refs/heads/stable-6.9")?.sha,
    second,
    "git still has the old value",
  );
  await app.rest.git.updateRef({ owner, repo, ref: "heads/stable-6.9", sha: first, force: true });
  assert.equal((await world.forge.refs(owner, repo)).get("refs/heads/stable-6.9")?.sha, first);

  const deleted = await app.rest.git.deleteRef({ owner, repo, ref: "heads/stable-6.9" });
  assert.equal(deleted.status, 204);
  const gone = await rejection(app.rest.git.deleteRef({ owner, repo, ref: "heads/stable-6.9" }));
  assert.deepEqual(
    [gone.status, (gone.response?.data as { message: string }).message],
    [422, "Reference does not exist"],
  );
  assert.equal((await world.forge.refs(owner, repo)).has("refs/heads/stable-6.9"), false);
  assert.equal((await rejection(app.rest.git.getRef({ owner, repo, ref: "heads/stable-6.9" }))).status, 404);

  const hooks = await world.sandbox.deliver();
  assert.deepEqual(
    hooks.map((hook) => `${hook.event}:${hook.payload.forced ?? hook.payload.ref}`),
    ["push:false", "create:stable-6.9", "push:false", "push:true", "push:false", "delete:stable-6.9"],
  );
  assert.ok(
    hooks.every((hook) => hook.payload.sender.login === "merge-window[bot]" && hook.payload.sender.type === "Bot"),
  );
});

test("matching-refs is a name-prefix match; unsafe ref names name nothing and are refused", async (t) => {
  const world = await startSelinux();
  t.after(() => world.close());
  for (const name of ["selinux-pr-20240312", "selinux-pr-20240319", "selinux-fixes"])
    await world.work.run(["tag", name]);
  await world.work.run(["push", "origin", "HEAD:refs/heads/main", "--tags"]);
  const app = appOctokit(world.forge, world.installationId);
  const matching = await app.rest.git.listMatchingRefs({ owner, repo, ref: "tags/selinux-pr-" });
  assert.deepEqual(
    matching.data.map((ref) => ref.ref),
    ["refs/tags/selinux-pr-20240312", "refs/tags/selinux-pr-20240319"],
  );
  assert.deepEqual((await app.rest.git.listMatchingRefs({ owner, repo, ref: "tags/nothing-" })).data, []);
  for (const hostile of ["heads/--upload-pack=touch", "heads/a..b", "heads/HEAD~1"]) {
    assert.equal((await rejection(app.rest.git.getRef({ owner, repo, ref: hostile }))).status, 404, hostile);
  }
  const refused = await rejection(
    app.rest.git.createRef({
      owner,
      repo,
      ref: "refs/heads/-x",
      sha: (await world.work.run(["rev-parse", "HEAD"])).stdout.trim(),
    }),
  );
  assert.equal(refused.status, 422);
});

test("git/tags reports the tag object and verifies an SSH signature with the forge's allowed signers", async (t) => {
  const keyDir = mkdtempSync(join(tmpdir(), "forge-key-"));
  await run("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", "tester", "-f", join(keyDir, "key")]);
  const allowed = join(keyDir, "allowed_signers");
  writeFileSync(allowed, `tester@example.org ${readFileSync(join(keyDir, "key.pub"), "utf8")}`);
  const world = await startSelinux({ tagKeys: { sshAllowedSigners: allowed } });
  const stranger = await startSelinux();
  t.after(async () => {
    await world.close();
    await stranger.close();
    rmSync(keyDir, { recursive: true, force: true });
  });
  const sign = ["-c", "gpg.format=ssh", "-c", `user.signingkey=${join(keyDir, "key")}`];
  for (const target of [world, stranger]) {
    await target.work.run([...sign, "tag", "-s", "-m", "selinux/stable-6.9 PR 20240312", "selinux-pr-20240312"]);
    await target.work.run(["tag", "-a", "-m", "unsigned", "plain"]);
    await target.work.run(["push", "origin", "HEAD:refs/heads/main", "--tags"]);
  }
  const client = userOctokit(world.forge, world.paulToken);
  const ref = await client.rest.git.getRef({ owner, repo, ref: "tags/selinux-pr-20240312" });
  assert.equal(ref.data.object.type, "tag");
  const tag = await client.rest.git.getTag({ owner, repo, tag_sha: ref.data.object.sha });
  assert.equal(tag.data.tag, "selinux-pr-20240312");
  assert.equal(tag.data.message, "selinux/stable-6.9 PR 20240312\n");
  assert.equal(tag.data.tagger.email, "tester@example.org");
  assert.equal(tag.data.object.sha, (await world.work.run(["rev-parse", "HEAD"])).stdout.trim());
  assert.deepEqual([tag.data.verification?.verified, tag.data.verification?.reason], [true, "valid"]);
  assert.match(tag.data.verification?.signature ?? "", /^-----BEGIN SSH SIGNATURE-----/);
  assert.ok(tag.data.verification?.payload?.includes("tag selinux-pr-20240312\n"));

  const plainRef = await client.rest.git.getRef({ owner, repo, ref: "tags/plain" });
  const plain = await client.rest.git.getTag({ owner, repo, tag_sha: plainRef.data.object.sha });
  assert.deepEqual([plain.data.verification?.verified, plain.data.verification?.reason], [false, "unsigned"]);

  const other = userOctokit(stranger.forge, stranger.paulToken);
  const unknownRef = await other.rest.git.getRef({ owner, repo, ref: "tags/selinux-pr-20240312" });
  const unknown = await other.rest.git.getTag({ owner, repo, tag_sha: unknownRef.data.object.sha });
  assert.deepEqual([unknown.data.verification?.verified, unknown.data.verification?.reason], [false, "unknown_key"]);
});
