// The CLI's surface: --help everywhere, one clear stderr line and exit 2 for every kind of bad input,
// config errors listed, the demo stub, and one smoke run through bin/merge-window.js.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { buildGitEnv } from "../../src/adapters/git/runner.ts";
import { COMMANDS } from "../../src/cli/args.ts";
import { buildWorld, createTempDir, git, parseJson, removeDir, runCli, writeRepoFile } from "./cli-world.ts";

const ROOT = join(import.meta.dirname, "../..");
const ONE_LINE = /^merge-window [a-z-]+: [^\n]+\n$/;

describe("usage and bad input", () => {
  let dir: string;
  let repo: string;
  /** The bare upstream; the clone has it as remote `upstream`. */
  let linux: string;

  before(() => {
    dir = createTempDir("usage");
    const world = buildWorld(dir, { from: "v6.7", to: "v6.8-rc2" }, [
      { kind: "branch", name: "next", from: "v6.8-rc1" },
      { kind: "patches", branch: "next", patches: [{ subject: "selinux: one" }] },
      { kind: "tag", name: "selinux-pr-20240130", at: "next", message: "selinux/stable-6.8 PR 20240130" },
    ]);
    repo = world.subsystem.dir;
    linux = world.upstream.dir;
  });
  after(() => removeDir(dir));

  it("merge-window --help and every command's --help print usage and exit 0", async () => {
    for (const argv of [["--help"], ["-h"], ["help"]]) {
      const result = await runCli(argv);
      assert.equal(result.code, 0);
      assert.match(result.stdout, /^usage: merge-window <command> \[options\]\n/);
      for (const command of Object.keys(COMMANDS)) assert.match(result.stdout, new RegExp(`^  ${command} `, "m"));
    }
    for (const command of Object.keys(COMMANDS)) {
      const result = await runCli([command, "--help"]);
      assert.equal(result.code, 0, `${command}: ${result.stderr}`);
      assert.match(result.stdout, new RegExp(`^usage: merge-window ${command}( TAG)? \\[options\\]\n`));
      assert.equal(result.stderr, "");
      assert.deepEqual(result.spawns, []);
    }
    const status = (await runCli(["status", "--help"])).stdout;
    for (const flag of [
      "--repo DIR",
      "--upstream REMOTE|PATH|URL",
      "--config FILE",
      "--subsystem NAME",
      "--at ISO-TIME",
      "--json",
    ])
      assert.ok(status.includes(flag), flag);
  });

  it("no command: usage on stderr, exit 2; an unknown command: one line naming it", async () => {
    const none = await runCli([]);
    assert.equal(none.code, 2);
    assert.match(none.stderr, /^usage: merge-window/);
    const unknown = await runCli(["statsu"]);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /^merge-window: unknown command "statsu" \(commands: [^\n]+\)\n$/);
  });

  it("bad flags and arguments exit 2 with one stderr line naming the thing, before any git process", async () => {
    const cases: [string[], RegExp][] = [
      [["status", "--frobnicate"], /Unknown option '--frobnicate'/],
      [["status", "--repo"], /Option '--repo <value>' argument missing/],
      [["status", "--json=yes"], /Option '--json' does not take an argument/],
      [["status", "extra"], /unexpected argument "extra"/],
      [["check-tag"], /missing TAG \(usage: merge-window check-tag TAG/],
      [["check-tag", "a", "b"], /unexpected argument "b"/],
      [["request-pull"], /missing TAG/],
      [["tag-name", "--onto", "v6.8"], /Unknown option '--onto'/],
      [["status", "--repo="], /--repo needs a non-empty value/],
      [["status", "--at", "yesterday"], /--at "yesterday" is not an ISO time/],
      [["status", "--at", "2024-03-12"], /--at "2024-03-12" is not an ISO time with a zone/],
      [["status", "--at", "2024-03-12T18:00:00"], /--at "2024-03-12T18:00:00" is not an ISO time/],
      [["status", "--at", "2024-02-30T12:00:00Z"], /--at "2024-02-30T12:00:00Z" is not an ISO time/],
      [["tag-name", "--date", "2024-02-30"], /--date "2024-02-30" is not a real day/],
      [["tag-name", "--date", "20240312"], /--date "20240312" is not a real day written YYYY-MM-DD/],
      [["request-pull", "selinux-pr-20240130", "--style", "fancy"], /--style "fancy": use git or wrapped/],
      [
        ["request-pull", "selinux-pr-20240130", "--url", "https://x y"],
        /--url "https:\/\/x y" is empty, starts with "-" or contains white space/,
      ],
    ];
    for (const [argv, pattern] of cases) {
      const [command = "", ...rest] = argv;
      const result = await runCli([command, "--repo", repo, ...rest]);
      assert.equal(result.code, 2, `${argv.join(" ")}: ${result.stdout}${result.stderr}`);
      assert.match(result.stderr, ONE_LINE, argv.join(" "));
      assert.match(result.stderr, pattern, argv.join(" "));
      assert.equal(result.stdout, "");
      assert.deepEqual(result.spawns, [], argv.join(" "));
    }
  });

  it("a missing or non-repository --repo, a bad --subsystem or --upstream: exit 2, one line", async () => {
    const cases: [string[], RegExp][] = [
      [["status", "--repo", join(dir, "nope")], /--repo \S+nope: no such directory/],
      [["status", "--repo", join(linux, "HEAD")], /--repo \S+HEAD: not a directory/],
      [["check-tag", "selinux-pr-20240130", "--repo", dir], /--repo \S+: not a git repository/],
      [["status", "--repo", repo, "--subsystem", "SELinux!"], /--subsystem "SELinux!": use lowercase/],
      [
        ["status", "--repo", repo, "--upstream", "no-such-remote"],
        /--upstream "no-such-remote" is not a remote of \S+, a URL or an existing path/,
      ],
      [["status", "--repo", repo, "--upstream", "ext::sh -c id"], /--upstream "ext::sh -c id" is not a remote/],
      [["status", "--repo", repo, "--config", join(dir, "none.yml")], /--config \S+none\.yml: no such file/],
      [
        ["status", "--repo", repo, "--at", "2001-01-01T00:00:00Z"],
        /no upstream vX\.Y \/ vX\.Y-rcN tag is dated at or before now/,
      ],
      [
        ["advise-rebase", "--repo", repo, "--onto", "v9.9", "--at", "2024-02-01T00:00:00Z"],
        /v9\.9 is not a tag of upstream/,
      ],
    ];
    for (const [argv, pattern] of cases) {
      const result = await runCli(argv);
      assert.equal(result.code, 2, `${argv.join(" ")}: ${result.stdout}${result.stderr}`);
      assert.match(result.stderr, ONE_LINE, argv.join(" "));
      assert.match(result.stderr, pattern, argv.join(" "));
    }
  });

  it("a bad config file: exit 2 and every error as file:line: key: reason", async () => {
    const file = writeRepoFile(dir, "bad.yml", "subsystem: selinux\ncycle:\n  lateThreshold: 99\nbranchez: {}\n");
    const result = await runCli(["status", "--repo", repo, "--config", file]);
    assert.equal(result.code, 2);
    const lines = result.stderr.trimEnd().split("\n");
    assert.ok(lines.length >= 2, result.stderr);
    assert.match(lines.join("\n"), /:3: cycle\.lateThreshold: /);
    assert.match(lines.join("\n"), /:4: branchez: /);
    assert.match(lines[0]!, /^merge-window status: \S+bad\.yml:\d+: /);
    const audit = writeRepoFile(dir, "audit.yml", "subsystem: audit\n");
    const conflict = await runCli(["status", "--repo", repo, "--config", audit, "--subsystem", "selinux"]);
    assert.equal(conflict.code, 2);
    assert.match(
      conflict.stderr,
      /^merge-window status: --subsystem selinux contradicts \S+audit\.yml, which says subsystem: audit\n$/,
    );
  });

  it("upstream tags: the remote upstream (or one matching upstream.url), else the clone, or --upstream", async () => {
    const fetchSource = (spawns: readonly (readonly string[])[]) => {
      const fetch = spawns.find((argv) => argv[0] === "fetch")!;
      return fetch[fetch.indexOf("--end-of-options") + 1];
    };
    const at = ["--at", "2024-02-01T00:00:00Z", "--json"];
    const found = await runCli(["status", "--repo", repo, ...at]);
    assert.equal(fetchSource(found.spawns), "upstream", "no --upstream: the remote named upstream");
    assert.equal(parseJson(found).upstreamSource, "remote upstream");
    git(repo, ["remote", "rename", "upstream", "mainline"]);
    const own = await runCli(["status", "--repo", repo, ...at]);
    assert.equal(own.code, 0, own.stderr);
    assert.equal(fetchSource(own.spawns), repo, "no remote upstream: a local fetch from the clone itself");
    const linuxUrl = git(repo, ["remote", "get-url", "mainline"]);
    const config = writeRepoFile(dir, "mainline.yml", `subsystem: selinux\nupstream:\n  url: file://${linuxUrl}/\n`);
    const byUrl = await runCli(["status", "--repo", repo, "--config", config, ...at]);
    assert.equal(fetchSource(byUrl.spawns), "mainline", "upstream.url matches remote mainline");
    git(repo, ["remote", "rename", "mainline", "upstream"]);
    const remote = await runCli(["status", "--repo", repo, "--upstream", "upstream", ...at]);
    assert.equal(remote.code, 0, remote.stderr);
    assert.equal(fetchSource(remote.spawns), "upstream");
    const path = await runCli(["status", "--upstream", "../linux.git", ...at], { cwd: repo });
    assert.equal(path.code, 0, path.stderr);
    assert.equal(fetchSource(path.spawns), linux);
    for (const result of [own, remote, path]) assert.equal(parseJson(result).upstream.latest, "v6.8-rc2");
  });

  it("the subsystem is inferred from the newest *-pr-* tag when there is no config file", async () => {
    const status = parseJson(await runCli(["status", "--repo", repo, "--at", "2024-02-01T00:00:00Z", "--json"]));
    assert.equal(status.subsystem, "selinux");
    assert.equal(status.config, "built-in defaults for selinux");
  });

  it("demo: its arguments reach the demo, which refuses a bad one before starting anything", async () => {
    const result = await runCli(["demo", "--variant", "Z"]);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /usage: merge-window demo \[--variant A\|B\|C\] \[--keep\]/);
  });

  it("bin/merge-window.js runs the CLI as a process (smoke test)", () => {
    const run = (args: string[]) =>
      spawnSync(process.execPath, [join(ROOT, "bin/merge-window.js"), ...args], {
        env: buildGitEnv(),
        encoding: "utf8",
        cwd: repo,
      });
    const help = run(["--help"]);
    assert.equal(help.status, 0, help.stderr);
    assert.match(help.stdout, /^usage: merge-window/);
    const status = run(["status", "--at", "2024-02-01T00:00:00Z", "--json"]);
    assert.equal(status.status, 0, status.stderr);
    assert.deepEqual(
      [JSON.parse(status.stdout).phase, JSON.parse(status.stdout).upstream.latest],
      ["development", "v6.8-rc2"],
    );
    const bad = run(["status", "--at", "soon"]);
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, ONE_LINE);
  });
});
