// Hostile names, SHAs, paths and globs are refused before any git process starts (argv recorded through onSpawn).
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { InputError } from "../../../src/domain/errors.ts";
import type { GitLayer } from "../../../src/adapters/git/index.ts";
import { createWorld, type World } from "./git-world.ts";
import { verifyTag } from "../../../src/observe.ts";

const HOSTILE = [
  "--upload-pack=touch /tmp/pwned",
  "-u",
  "$(id)",
  "a..b",
  "--all",
  "HEAD",
  "next;id",
  "refs/heads/next",
  "",
];
const NOW = new Date("2024-03-13T09:00:00Z");

describe("hostile input", () => {
  let world: World;
  let layer: GitLayer;
  let sha: string;

  before(async () => {
    world = createWorld();
    layer = world.layer();
    await layer.observe();
    sha = world.sha("refs/heads/next");
  });
  after(() => world.cleanup());

  const calls: [string, (value: string) => Promise<unknown>][] = [
    ["observe nextBranch", (value) => layer.observe({ nextBranch: value, fetch: false })],
    ["observe stableGlob", (value) => layer.observe({ stableGlob: value, fetch: false })],
    ["observe tagGlob", (value) => layer.observe({ tagGlob: value, fetch: false })],
    ["observe paths", (value) => layer.observe({ paths: [value], fetch: false })],
    ["findUpstreamMerge commit", (value) => layer.findUpstreamMerge(value)],
    ["adviseRebase onto", (value) => layer.adviseRebase({ onto: value })],
    ["rebaseNext onto", (value) => layer.rebaseNext({ onto: value, now: NOW })],
    ["rebaseNext nextBranch", (value) => layer.rebaseNext({ onto: "v6.8-rc2", nextBranch: value, now: NOW })],
    ["rebaseNext expectedSha", (value) => layer.rebaseNext({ onto: "v6.8-rc2", expectedSha: value, now: NOW })],
    ["createStableBranch name", (value) => layer.createStableBranch({ name: value, sha })],
    ["createStableBranch sha", (value) => layer.createStableBranch({ name: "stable-6.9", sha: value })],
    [
      "createSignedTag name",
      (value) =>
        layer.createSignedTag({ name: value, message: "m", sha, signing: { kind: "ssh", keyFile: "/tmp/key" } }),
    ],
    [
      "createSignedTag sha",
      (value) =>
        layer.createSignedTag({
          name: "selinux-pr-20240312",
          message: "m",
          sha: value,
          signing: { kind: "ssh", keyFile: "/tmp/key" },
        }),
    ],
    [
      "createSignedTag key file",
      (value) =>
        layer.createSignedTag({
          name: "selinux-pr-20240312",
          message: "m",
          sha,
          signing: { kind: "ssh", keyFile: value },
        }),
    ],
    ["readTagFacts name", (value) => layer.readTagFacts(value)],
    [
      "readTagFacts allowed signers",
      (value) => layer.readTagFacts("selinux-pr-20240312", { allowedSignersFile: value, stableGlob: "stable-*" }),
    ],
  ];

  for (const [what, call] of calls) {
    it(`${what}: refused with InputError, nothing reaches git`, async () => {
      for (const value of HOSTILE) {
        // A few values are legitimate for some parameters (HEAD and refs/... are safe strings for a glob or a path).
        if (what.includes("Glob") && !/^-|\.\.|\$|;|^$/.test(value)) continue;
        if (what.includes("paths") && !/^-|\$|;|^$| /.test(value)) continue;
        world.spawns.length = 0;
        await assert.rejects(call(value), InputError, `${what} accepted ${JSON.stringify(value)}`);
        const leaked = world.spawns.filter((argv) => value !== "" && argv.some((arg) => arg.includes(value)));
        assert.deepEqual(leaked, [], `${what}: ${JSON.stringify(value)} reached git`);
        assert.deepEqual(world.spawns, [], `${what}: git ran for ${JSON.stringify(value)}`);
      }
    });
  }

  it("verifyTag (the domain judging the layer's facts) turns a hostile name into problems, runs no git", async () => {
    const policy = {
      subsystem: "selinux",
      tagTemplate: "{subsystem}-pr-{date}",
      messageTemplate: "{subsystem}/stable-{version} PR {date}",
      stableTemplate: "stable-{version}",
      timeZone: "UTC",
    };
    for (const value of HOSTILE.filter((name) => name !== "HEAD")) {
      world.spawns.length = 0;
      const verdict = await verifyTag(layer, value, { policy, now: NOW });
      assert.equal(verdict.valid, false, value);
      assert.deepEqual(world.spawns, [], value);
    }
  });
});
