// request-pull checks like git that the URL has the tag (file:// and a local git daemon): warnings, stdout and exit
// status identical to `git request-pull`; the whole mail (--mail, --mbox); the base chosen at any date.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { buildGitEnv } from "../../src/adapters/git/runner.ts";
import { addBareRemote, PAUL } from "../fixtures/kernel-repo.ts";
import { createGpgKey, stopGpgAgent, type GpgKey } from "../fixtures/keys.ts";
import { buildWorld, createTempDir, git, removeDir, runCli, writeRepoFile } from "./cli-world.ts";

const WINDOW_TAG = "selinux-pr-20240312";
const FIXES_TAG = "selinux-pr-20240327";

/** `git request-pull` itself: exit status, stdout and stderr. */
function gitRequestPull(dir: string, base: string, url: string, tag: string) {
  const env = buildGitEnv({ LC_ALL: "C" });
  delete env.COLUMNS;
  const result = spawnSync("git", ["request-pull", base, url, `tags/${tag}`], { cwd: dir, env, encoding: "utf8" });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });
}

/** `git daemon` on 127.0.0.1 serving `base`; resolves once it answers an ls-remote (bounded: 10 s). */
async function startDaemon(base: string): Promise<{ url: string; child: ChildProcess }> {
  const port = await freePort();
  const args = ["daemon", "--export-all", "--reuseaddr", "--listen=127.0.0.1", `--port=${port}`, `--base-path=${base}`];
  const child = spawn("git", [...args, base], { env: buildGitEnv(), stdio: "ignore" });
  const url = `git://127.0.0.1:${port}/selinux.git`;
  for (let attempt = 0; attempt < 100; attempt++) {
    if (spawnSync("git", ["ls-remote", url], { env: buildGitEnv(), stdio: "ignore" }).status === 0)
      return { url, child };
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  child.kill("SIGKILL");
  throw new Error(`git daemon on port ${port} did not answer within 10 s`);
}

describe("request-pull checks the URL like git request-pull", () => {
  let dir: string;
  let key: GpgKey;
  let repo: string;
  let origin: string;
  let env: Record<string, string>;
  let daemon: { url: string; child: ChildProcess } | undefined;

  before(async () => {
    dir = createTempDir("rp-push");
    key = createGpgKey(join(dir, "keys"), { name: PAUL.name, email: PAUL.email });
    const tag = (name: string, date: string) =>
      ({
        kind: "tag",
        name,
        at: "stable-6.9",
        date,
        message: `selinux/stable-6.9 PR ${name.slice(-8)}`,
        signedBy: key,
      }) as const;
    repo = buildWorld(dir, { from: "v6.7", to: "v6.9-rc2" }, [
      { kind: "branch", name: "next", from: "v6.8-rc1" },
      { kind: "patches", branch: "next", patches: [{ subject: "selinux: one", date: "2024-01-25 17:55:45 -0500" }] },
      { kind: "branch", name: "stable-6.9", from: "next" },
      tag(WINDOW_TAG, "2024-03-12 19:02:11 -0400"),
      {
        kind: "patches",
        branch: "stable-6.9",
        patches: [{ subject: "selinux: fix", date: "2024-03-26 10:11:12 -0400" }],
      },
      tag(FIXES_TAG, "2024-03-27 16:30:00 -0400"),
    ]).subsystem.dir;
    origin = addBareRemote(repo, join(dir, "selinux.git"));
    env = { GNUPGHOME: key.gnupgHome };
    writeRepoFile(
      repo,
      ".github/merge-window.yml",
      [
        "subsystem: selinux",
        "signing:",
        `  allowedSigners: ["${key.fingerprint}"]`,
        "pullRequest:",
        '  cc: ["selinux@vger.kernel.org", "linux-kernel@vger.kernel.org"]',
        '  signoff: "-Paul"',
        "",
      ].join("\n"),
    );
    git(repo, ["config", "user.name", PAUL.name]);
    git(repo, ["config", "user.email", PAUL.email]);
    // A newer fix, tagged here and not pushed.
    git(repo, ["checkout", "-q", "stable-6.9"]);
    git(repo, ["commit", "-q", "--allow-empty", "-m", "selinux: late fix"]);
    git(repo, ["tag", "-a", "-m", "selinux/stable-6.9 PR 20240405", "selinux-pr-20240405"]);
    git(repo, ["checkout", "-q", "--detach"]);
  });
  after(() => {
    daemon?.child.kill("SIGKILL");
    stopGpgAgent(key);
    removeDir(dir);
  });

  it("an unpushed tag: git's two warnings on stderr, the body on stdout, exit 1, as git request-pull", async () => {
    const url = `file://${origin}`;
    const ours = await runCli(["request-pull", "selinux-pr-20240405", "--repo", repo, "--url", url], { env });
    const theirs = gitRequestPull(repo, FIXES_TAG, url, "selinux-pr-20240405");
    assert.equal(theirs.code, 1);
    assert.equal(ours.code, 1);
    assert.equal(ours.stdout, theirs.stdout);
    assert.match(
      theirs.stderr,
      new RegExp(
        /^warn: No match for commit [0-9a-f]{40} found at file:\/\/.*\nwarn: Are you sure you pushed /.source +
          /'tags\/selinux-pr-20240405' there\?\n$/.source,
      ),
    );
    assert.ok(ours.stderr.endsWith(theirs.stderr), ours.stderr);
    const offline = await runCli(
      ["request-pull", "selinux-pr-20240405", "--repo", repo, "--url", url, "--no-verify-url"],
      { env },
    );
    assert.equal(offline.code, 0);
    assert.equal(offline.stdout, theirs.stdout);
  });

  it("a missing tag fails at once: the URL check already under way is killed, not waited for", async () => {
    // A server that accepts and never answers: git ls-remote would wait for it until its own 30 s bound.
    const server = createServer();
    // Read (resume) so that the client's FIN is seen and the socket closes.
    const closed = new Promise<void>((resolve) =>
      server.on("connection", (socket) => socket.resume().on("close", () => resolve())),
    );
    const connected = new Promise<void>((resolve) => server.on("connection", () => resolve()));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const { port } = server.address() as { port: number };
      const url = `git://127.0.0.1:${port}/selinux.git`;
      const ours = await runCli(["request-pull", "selinux-pr-20991231", "--repo", repo, "--url", url], { env });
      assert.equal(ours.code, 2, ours.stderr);
      assert.match(ours.stderr, /tag selinux-pr-20991231 does not exist/);
      // The check had connected; the command's failure closed that connection (bounded wait, below git's 30 s).
      await connected;
      let bound: NodeJS.Timeout | undefined;
      const limit = new Promise<string>((resolve) => (bound = setTimeout(() => resolve("still open"), 10_000)));
      assert.equal(await Promise.race([closed.then(() => "closed"), limit]), "closed");
      clearTimeout(bound);
    } finally {
      server.close();
    }
  });

  it("a tag pushed but moved since: git's 'points to a different object' warning, exit 1", async () => {
    git(repo, ["tag", "-f", "-a", "-m", "selinux/stable-6.9 PR 20240327", "moved-pr", `${FIXES_TAG}^{commit}`]);
    git(repo, ["push", "-q", "origin", "refs/tags/moved-pr"]);
    git(repo, ["tag", "-f", "-a", "-m", "selinux/stable-6.9 PR 20240327 again", "moved-pr", `${FIXES_TAG}^{commit}`]);
    const url = `file://${origin}`;
    const ours = await runCli(["request-pull", "moved-pr", "--repo", repo, "--url", url, "--base", WINDOW_TAG], {
      env,
    });
    const theirs = gitRequestPull(repo, WINDOW_TAG, url, "moved-pr");
    assert.equal(theirs.code, 1);
    assert.equal(ours.code, 1);
    assert.match(theirs.stderr, /refs\/tags\/moved-pr found at .* but points to a different object/);
    assert.ok(ours.stderr.endsWith(theirs.stderr), ours.stderr); // after our own "not a valid tag" warning
    assert.equal(ours.stdout, theirs.stdout);
  });

  it("pushed, served by a local git daemon: exit 0 and bytes identical to git request-pull", async () => {
    daemon = await startDaemon(dir);
    const ours = await runCli(["request-pull", FIXES_TAG, "--repo", repo, "--url", daemon.url], { env });
    const theirs = gitRequestPull(repo, WINDOW_TAG, daemon.url, FIXES_TAG);
    assert.equal(theirs.code, 0, theirs.stderr);
    assert.equal(ours.code, 0, ours.stderr);
    assert.equal(ours.stderr, "");
    assert.equal(ours.stdout, theirs.stdout);
    const unpushed = await runCli(["request-pull", "selinux-pr-20240405", "--repo", repo, "--url", daemon.url], {
      env,
    });
    const git1 = gitRequestPull(repo, FIXES_TAG, daemon.url, "selinux-pr-20240405");
    assert.equal(unpushed.code, 1);
    assert.ok(unpushed.stderr.endsWith(git1.stderr));
    daemon.child.kill("SIGKILL");
    daemon = undefined;
  });

  it("the base is the same before, during and long after the window", async () => {
    for (const at of ["2024-03-09T12:00:00Z", "2024-03-14T12:00:00Z", "2026-11-30T12:00:00Z"]) {
      const window = await runCli(["request-pull", WINDOW_TAG, "--repo", repo, "--at", at, "--json"], { env });
      assert.equal(window.code, 0, window.stderr);
      assert.equal(JSON.parse(window.stdout).base, "v6.8-rc1", at);
      const fixes = await runCli(["request-pull", FIXES_TAG, "--repo", repo, "--at", at, "--json"], { env });
      assert.equal(JSON.parse(fixes.stdout).base, WINDOW_TAG, at);
      const late = await runCli(
        ["request-pull", "selinux-pr-20240405", "--repo", repo, "--at", at, "--json", "--no-verify-url"],
        { env },
      );
      assert.equal(JSON.parse(late.stdout).base, FIXES_TAG, at);
    }
  });

  it("--mail prints the whole message from the config; --mbox writes it for git send-email", async () => {
    const mail = await runCli(["request-pull", WINDOW_TAG, "--repo", repo, "--mail", "--at", "2024-03-12T23:18:26Z"], {
      env,
    });
    assert.equal(mail.code, 0, mail.stderr);
    const body = gitRequestPull(repo, "v6.8-rc1", origin, WINDOW_TAG).stdout;
    assert.equal(
      mail.stdout,
      [
        `From: ${PAUL.name} <${PAUL.email}>`,
        "Date: Tue, 12 Mar 2024 23:18:26 +0000",
        "To: Linus Torvalds <torvalds@linux-foundation.org>",
        "Cc: selinux@vger.kernel.org, linux-kernel@vger.kernel.org",
        `Subject: [GIT PULL] selinux/${WINDOW_TAG}`,
        "",
        "Hi Linus,",
        "",
        "Here are the selinux patches for the Linux v6.9 merge window.",
        "",
        "<summary of the notable changes>",
        "",
        "-Paul",
        "",
        "--",
        body,
      ].join("\n"),
    );
    const file = join(dir, "pull.mbox");
    const mbox = await runCli(
      ["request-pull", WINDOW_TAG, "--repo", repo, "--mbox", file, "--at", "2024-03-12T23:18:26Z"],
      { env },
    );
    assert.equal(mbox.code, 0, mbox.stderr);
    assert.equal(readFileSync(file, "utf8"), `From merge-window Mon Sep 17 00:00:00 2001\n${mail.stdout}`);
    // git itself reads it as one message with those headers
    const info = spawnSync("git", ["mailinfo", "-k", join(dir, "msg"), join(dir, "patch")], {
      input: readFileSync(file),
      env: buildGitEnv(),
      encoding: "utf8",
    });
    assert.match(
      info.stdout,
      /^Author: Paul Moore\nEmail: paul@paul-moore.com\nSubject: \[GIT PULL\] selinux\/selinux-pr-20240312\n/,
    );
  });
});
