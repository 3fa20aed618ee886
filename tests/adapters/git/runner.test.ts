// The git runner: a silent non-zero exit is a failure, and the environment git sees is filtered.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildGitEnv, createGitRunner } from "../../../src/adapters/git/runner.ts";

test("a silent non-zero exit rejects run() and gives null from tryRun()", async () => {
  const dir = mkdtempSync(join(tmpdir(), "mw-runner-"));
  try {
    const git = createGitRunner(dir);
    await git.run(["init", "--quiet"]);
    await git.run([
      "-c",
      "user.name=T",
      "-c",
      "user.email=t@example.test",
      "commit",
      "--quiet",
      "--allow-empty",
      "-m",
      "one",
    ]);
    const head = (await git.run(["rev-parse", "HEAD"])).trim();
    // `rev-parse --verify --quiet` of a missing ref exits 1 and prints nothing at all.
    assert.equal(
      await git.tryRun(["rev-parse", "--verify", "--quiet", "--end-of-options", "refs/heads/missing"]),
      null,
    );
    await assert.rejects(
      git.run(["rev-parse", "--verify", "--quiet", "--end-of-options", "refs/heads/missing"]),
      /exited 1/,
    );
    assert.equal((await git.tryRun(["rev-parse", "--verify", "--quiet", "--end-of-options", "HEAD"]))?.trim(), head);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("git never inherits GIT_*, EDITOR, VISUAL or PAGER", () => {
  const saved = { ...process.env };
  Object.assign(process.env, {
    GIT_DIR: "/elsewhere",
    EDITOR: "vi",
    VISUAL: "vi",
    PAGER: "less",
    GIT_SSH_COMMAND: "evil",
  });
  try {
    const env = buildGitEnv({ GNUPGHOME: "/keys" });
    for (const key of ["GIT_DIR", "EDITOR", "VISUAL", "PAGER", "GIT_SSH_COMMAND"])
      assert.equal(env[key], undefined, key);
    assert.equal(env.GNUPGHOME, "/keys");
    assert.equal(env.GIT_TERMINAL_PROMPT, "0");
    assert.throws(() => buildGitEnv({ GIT_DIR: "/x" }), /GIT_DIR is not allowed/);
  } finally {
    for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
    Object.assign(process.env, saved);
  }
});

test("upstream URLs: https, git, file (file:/// and file://localhost/), absolute paths; http on loopback", async () => {
  const { assertUpstreamUrl } = await import("../../../src/adapters/git/inputs.ts");
  for (const ok of [
    "https://git.kernel.org/pub/scm/linux/kernel/git/torvalds/linux.git",
    "git://git.kernel.org/x.git",
    "file:///srv/linux.git",
    "file://localhost/srv/linux.git",
    "/srv/linux.git",
    "http://127.0.0.1:8080/o/r.git",
    "http://localhost/o/r.git",
  ]) {
    assert.equal(assertUpstreamUrl(ok), ok);
  }
  for (const bad of [
    "--upload-pack=x",
    "-u",
    "http://example.com/linux.git",
    "file://host/srv",
    "ext::sh -c id",
    "https://x/ y",
    "relative/path",
    "//server/share",
  ]) {
    assert.throws(() => assertUpstreamUrl(bad), /upstream/, bad);
  }
});
