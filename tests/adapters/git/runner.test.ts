// The git runner: a silent non-zero exit is a failure, and the environment git sees is filtered.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
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

test("a line pipe answers requests in order from one process, and a dying git rejects what is pending", async () => {
  const dir = mkdtempSync(join(tmpdir(), "mw-runner-"));
  try {
    const spawned: string[][] = [];
    const git = createGitRunner(dir, { onSpawn: (argv) => void spawned.push([...argv]) });
    await git.run(["init", "--quiet"]);
    const files = ["a", "b", "c"].map((name) => {
      writeFileSync(join(dir, name), `${name}\n`);
      return join(dir, name);
    });
    spawned.length = 0;
    const pipe = git.openLinePipe(["hash-object", "-w", "--no-filters", "--stdin-paths"]);
    const ids = await Promise.all(files.map((file) => pipe.request(file)));
    await pipe.close();
    const expected = await Promise.all(files.map(async (file) => (await git.run(["hash-object", file])).trim()));
    assert.deepEqual(ids, expected);
    assert.equal(spawned.filter((argv) => argv.includes("hash-object")).length, 1 + files.length);
    // A path that does not exist: git dies, the request is rejected with its message, close() says so too.
    const broken = git.openLinePipe(["hash-object", "-w", "--no-filters", "--stdin-paths"]);
    await assert.rejects(broken.request(join(dir, "missing")), /hash-object.*(missing|No such file)/s);
    await assert.rejects(broken.close(), /hash-object/);
    await assert.rejects(broken.request(files[0]!), /hash-object/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
