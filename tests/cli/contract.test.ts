// One contract for every command: --help and --json everywhere (demo aside), --version, one stderr line for bad
// input; and an honest status: a stale upstream is a warning, --at says it moves the calendar only.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { COMMANDS, isCommandName, parseCommandArgs } from "../../src/cli/args.ts";
import { longestCycleDays } from "../../src/domain/upstream-age.ts";
import { buildWorld, createTempDir, parseJson, removeDir, runCli, writeRepoFile } from "./cli-world.ts";

describe("the command-line contract", () => {
  it("--version prints the package's version", async () => {
    const { version } = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as {
      version: string;
    };
    const result = await runCli(["--version"]);
    assert.deepEqual([result.code, result.stdout, result.stderr], [0, `merge-window ${version}\n`, ""]);
  });

  it("every command but demo has --help and takes --json; a bad flag is one line on stderr, exit 2", async () => {
    for (const name of Object.keys(COMMANDS).filter((command) => command !== "demo")) {
      assert.ok(isCommandName(name));
      const help = await runCli([name, "--help"]);
      assert.equal(help.code, 0);
      assert.match(help.stdout, new RegExp(`^usage: merge-window ${name}`));
      assert.match(help.stdout, /^ {2}--json /m, `${name} --help lists --json`);
      const argument = COMMANDS[name].argument ? ["x-pr-1"] : [];
      assert.equal(parseCommandArgs(name, [...argument, "--json"]).values.json, true);
      const bad = await runCli([name, "--no-such-flag"]);
      assert.equal(bad.code, 2);
      assert.match(bad.stderr, /^merge-window [a-z-]+: [^\n]+\n$/);
    }
  });
});

describe("an honest status", () => {
  let dir: string;
  let repo: string;
  before(() => {
    dir = createTempDir("honest");
    repo = buildWorld(dir, { from: "v6.7", to: "v6.8" }, [{ kind: "branch", name: "next", from: "v6.8-rc1" }]).subsystem
      .dir;
    writeRepoFile(repo, ".github/merge-window.yml", "subsystem: selinux\n");
  });
  after(() => removeDir(dir));

  it("an upstream whose newest tag is older than the longest cycle in history is a warning", async () => {
    assert.ok(longestCycleDays() > 63 && longestCycleDays() < 120, String(longestCycleDays()));
    const fresh = parseJson(await runCli(["status", "--repo", repo, "--at", "2024-03-20T00:00:00Z", "--json"]));
    assert.deepEqual(
      fresh.warnings.filter((warning: string) => warning.startsWith("upstream")),
      [],
    );
    const stale = await runCli(["status", "--repo", repo, "--at", "2026-01-10T00:00:00Z"]);
    assert.equal(stale.code, 0, stale.stderr);
    assert.match(
      stale.stdout,
      new RegExp(
        /^warning: upstream's newest tag v6\.8 is \d+ days old, longer than any release cycle \(\d+ /.source +
          /days\): fetch upstream or give --upstream$/.source,
        "m",
      ),
    );
    assert.match(stale.stdout, /^warning: --at 2026-01-10T00:00:00Z places the calendar only: /m);
  });
});
