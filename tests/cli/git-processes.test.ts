// The number of git processes of status and request-pull does not grow with upstream's history: the same subsystem
// on an upstream with 3 release tags and on one with 35 spawns exactly as many git processes (counted, never timed).
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import type { SubsystemStep } from "../fixtures/kernel-repo.ts";
import { buildWorld, createTempDir, removeDir, runCli, writeRepoFile } from "./cli-world.ts";

const AT = "2024-04-02T12:00:00Z";

/** next on v6.8 with a few patches, stable-6.9 from it, the window PR tag, a fix, the fixes PR tag, next on rc1. */
const STEPS: SubsystemStep[] = [
  { kind: "branch", name: "next", from: "v6.8" },
  {
    kind: "patches",
    branch: "next",
    patches: Array.from({ length: 5 }, (_, i) => ({ subject: `selinux: patch ${i + 1}` })),
  },
  { kind: "branch", name: "stable-6.9", from: "next" },
  { kind: "tag", name: "selinux-pr-20240312", at: "stable-6.9", date: "2024-03-12 19:02:11 -0400" },
  { kind: "patches", branch: "stable-6.9", patches: [{ subject: "selinux: fix", date: "2024-03-26 10:00:00 -0400" }] },
  { kind: "tag", name: "selinux-pr-20240327", at: "stable-6.9", date: "2024-03-27 16:30:00 -0400" },
  { kind: "branch", name: "next", from: "v6.9-rc1" },
];

describe("git processes per command, 3 versus 35 upstream release tags", () => {
  let dir: string;
  const repos: Record<"few" | "many", string> = { few: "", many: "" };

  before(() => {
    dir = createTempDir("git-processes");
    for (const [key, from] of [
      ["few", "v6.8"],
      ["many", "v6.5-rc1"],
    ] as const) {
      const { subsystem, upstream } = buildWorld(join(dir, key), { from, to: "v6.9-rc2" }, STEPS);
      assert.equal(upstream.tags.size, key === "few" ? 3 : 35);
      writeRepoFile(subsystem.dir, ".github/merge-window.yml", "subsystem: selinux\n");
      repos[key] = subsystem.dir;
    }
  });
  after(() => removeDir(dir));

  it("status: the same processes on both, and the same facts", async () => {
    const [few, many] = await Promise.all(
      (["few", "many"] as const).map((key) => runCli(["status", "--repo", repos[key], "--at", AT, "--json"])),
    );
    assert.equal(few!.code, 0, few!.stderr);
    assert.equal(many!.code, 0, many!.stderr);
    assert.equal(JSON.parse(few!.stdout).phase, JSON.parse(many!.stdout).phase);
    assert.deepEqual(few!.spawns.map(subcommand), many!.spawns.map(subcommand));
    assert.ok(!few!.spawns.some((argv) => argv.some((arg) => arg === "--merged" || arg.startsWith("--merged="))));
  });

  it("request-pull choosing its base: the same processes on both, no --merged scan, the same base", async () => {
    for (const [tag, base] of [
      ["selinux-pr-20240312", "v6.8"],
      ["selinux-pr-20240327", "selinux-pr-20240312"],
    ] as const) {
      const [few, many] = await Promise.all(
        (["few", "many"] as const).map((key) =>
          runCli(["request-pull", tag, "--repo", repos[key], "--url", "https://example.org/selinux.git", "--json"]),
        ),
      );
      for (const result of [few!, many!]) {
        assert.equal(result.code, 1, result.stderr); // the URL does not have the tag: git's warnings, exit 1
        assert.equal(JSON.parse(result.stdout).base, base);
        assert.ok(!result.spawns.some((argv) => argv.some((arg) => arg.startsWith("--merged"))), tag);
      }
      assert.deepEqual(few!.spawns.map(subcommand).sort(), many!.spawns.map(subcommand).sort(), tag);
    }
  });
});

/** `for-each-ref` from `-c x=y for-each-ref …`, with `--merged`/`--contains` kept: what kind of walk it is. */
function subcommand(argv: readonly string[]): string {
  const name = argv.find((arg, i) => !arg.startsWith("-") && argv[i - 1] !== "-c") ?? "";
  const walk = argv.find((arg) => arg.startsWith("--merged") || arg.startsWith("--contains"));
  return walk ? `${name} ${walk.split("=")[0]}` : name;
}
