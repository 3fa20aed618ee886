// Scenario 10: the published simple-git CVE payloads against every git wrapper that takes outside input (refs,
// SHAs, remotes, upstream URLs, ls-remote, git env): each is refused before git starts and the canary never appears.
//
// Not covered, and why: the layer has no `clone`/`fetch`/`push` entry taking a free-form argument; the remote, the
// URL and the ref names those commands get are the inputs exercised here (upstream URL, ref names, SHAs, remote
// names, ls-remote target). There is no `raw` passthrough in src/adapters/git.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { InputError } from "../../src/domain/errors.ts";
import type { GitLayer } from "../../src/adapters/git/index.ts";
import { assertRemoteName, assertUpstreamUrl } from "../../src/adapters/git/inputs.ts";
import { lsRemote } from "../../src/adapters/git/ls-remote.ts";
import { buildGitEnv } from "../../src/adapters/git/runner.ts";
import { ensureUpstreamMirror } from "../../src/adapters/git/workspace.ts";
import { createWorld, type World } from "../adapters/git/git-world.ts";

const NOW = new Date("2024-03-13T09:00:00Z");
let world: World;
let layer: GitLayer;
let canary: string;
let sha: string;

/** The payloads of the simple-git advisories (CVE-2022-24066, -24433, -25860, -25912, 2024's --exec), aimed at us. */
function payloads(): string[] {
  return [
    `--upload-pack=touch ${canary}`,
    `-vu touch ${canary}`,
    `-4utouch${canary}`,
    `--receive-p=touch ${canary}`,
    `--receive-pack=touch ${canary}`,
    `--exe=touch ${canary}`,
    `--exec=touch ${canary}`,
    "-c",
    "-c protocol.ext.allow=always",
    "--config",
    "--config PROTOCOL.EXT.ALLOW=always",
    `ext::sh -c touch% ${canary}`,
    "ext::sh",
    `trailer.x.cmd=touch ${canary}`,
  ];
}

before(async () => {
  world = createWorld();
  canary = join(world.root, "pwned");
  layer = world.layer();
  await layer.observe();
  sha = world.sha("refs/heads/next");
});
after(() => world.cleanup());

test("s10: the canary works: git itself runs an ext:: remote when the transport is allowed", () => {
  const probe = join(world.root, "probe");
  try {
    execFileSync("git", ["-c", "protocol.ext.allow=always", "ls-remote", `ext::sh -c touch% ${probe}`], {
      env: buildGitEnv(),
      stdio: "ignore",
    });
  } catch {
    // the "remote" is no git server; the command ran all the same
  }
  assert.ok(existsSync(probe), "positive control: the payload is live when git is not guarded");
});

test("s10: every payload is refused by every wrapper before git runs; the canary never appears", async () => {
  const onSpawn = (argv: readonly string[]) => void world.spawns.push([...argv]);
  const calls: [string, (value: string) => Promise<unknown>][] = [
    ["observe nextBranch", (value) => layer.observe({ nextBranch: value, fetch: false })],
    ["observe stableGlob", (value) => layer.observe({ stableGlob: value, fetch: false })],
    ["observe tagGlob", (value) => layer.observe({ tagGlob: value, fetch: false })],
    ["rebase onto", (value) => layer.rebaseNext({ onto: value, now: NOW })],
    ["rebase nextBranch", (value) => layer.rebaseNext({ onto: "v6.8-rc2", nextBranch: value, now: NOW })],
    ["rebase expectedSha", (value) => layer.rebaseNext({ onto: "v6.8-rc2", expectedSha: value, now: NOW })],
    ["adviseRebase onto", (value) => layer.adviseRebase({ onto: value })],
    ["findUpstreamMerge", (value) => layer.findUpstreamMerge(value)],
    ["stable branch name", (value) => layer.createStableBranch({ name: value, sha })],
    ["stable branch sha", (value) => layer.createStableBranch({ name: "stable-6.9", sha: value })],
    ["deleteTag name", (value) => layer.deleteTag(value, sha)],
    ["deleteTag object", (value) => layer.deleteTag("selinux-pr-20240312", value)],
    ["readTagFacts", (value) => layer.readTagFacts(value)],
    [
      "createSignedTag name",
      (value) =>
        layer.createSignedTag({ name: value, message: "m", sha, signing: { kind: "ssh", keyFile: "/tmp/key" } }),
    ],
    ["upstream URL (clone/fetch)", (value) => ensureUpstreamMirror(value, "master", { cacheDir: world.root, onSpawn })],
    ["remote name", async (value) => assertRemoteName(value)],
    ["upstream URL check", async (value) => assertUpstreamUrl(value)],
  ];
  for (const [what, call] of calls) {
    for (const value of payloads()) {
      world.spawns.length = 0;
      await assert.rejects(call(value), InputError, `${what} accepted ${JSON.stringify(value)}`);
      assert.deepEqual(world.spawns, [], `${what}: git ran for ${JSON.stringify(value)}`);
    }
  }
  for (const value of payloads()) {
    const result = await lsRemote(world.maint, value);
    assert.equal(result.ok, false, `ls-remote ${value}`);
  }
  // ext:: without spaces passes the shape check and reaches git, which refuses the transport.
  const ext = await lsRemote(world.maint, `ext::touch%20${canary}`);
  assert.equal(ext.ok, false);
  assert.equal(existsSync(canary), false, "no payload ran");
});

test("s10: VISUAL, EDITOR, PAGER and GIT_* never reach git; asking for them is an error", () => {
  for (const key of ["VISUAL", "EDITOR", "PAGER", "GIT_SSH_COMMAND", "GIT_CONFIG_PARAMETERS"]) {
    assert.throws(() => buildGitEnv({ [key]: `touch ${canary}` }), new RegExp(key));
  }
  const saved = { ...process.env };
  try {
    Object.assign(process.env, { VISUAL: `touch ${canary}`, GIT_EDITOR: `touch ${canary}`, PAGER: "x" });
    const env = buildGitEnv();
    for (const key of ["VISUAL", "GIT_EDITOR", "PAGER"]) assert.equal(env[key], undefined, key);
  } finally {
    for (const key of ["VISUAL", "GIT_EDITOR", "PAGER"]) if (!(key in saved)) delete process.env[key];
  }
  assert.equal(existsSync(canary), false);
});
