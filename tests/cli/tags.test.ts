// `check-tag` and `tag-name` on the v6.9 scenario (GPG-signed PR tag, SSH-signed fix tag, an unsigned and a
// lightweight tag), hostile names that must never reach git, and the proposed command signing a valid tag.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { buildGitEnv } from "../../src/adapters/git/runner.ts";
import { buildKernelScenario, type KernelScenario } from "../fixtures/kernel-repo.ts";
import { createTempDir, git, parseJson, removeDir, runCli, writeRepoFile } from "./cli-world.ts";

const AT = "2024-03-30T12:00:00Z";
const HOSTILE = [
  "--upload-pack=touch /tmp/pwned",
  "-u",
  "$(id)",
  "a..b",
  "next;id",
  "refs/tags/x",
  "HEAD",
  "tag name",
  "x\ny",
  "é",
];

describe("check-tag and tag-name", () => {
  let dir: string;
  let scenario: KernelScenario;
  let repo: string;
  let env: Record<string, string>;

  before(() => {
    dir = createTempDir("tags");
    scenario = buildKernelScenario(dir, { stage: "fixes", badTags: true });
    repo = scenario.subsystem.dir;
    env = { GNUPGHOME: scenario.gpgKey.gnupgHome };
    writeRepoFile(repo, ".github/allowed_signers", `paul@paul-moore.com ${scenario.sshKey.publicKey}\n`);
    writeRepoFile(
      repo,
      ".github/merge-window.yml",
      [
        "subsystem: selinux",
        "signing:",
        `  allowedSigners: ["${scenario.gpgKey.fingerprint}"]`,
        "  allowedSignersFile: .github/allowed_signers",
        "",
      ].join("\n"),
    );
  });
  after(() => {
    scenario.close();
    removeDir(dir);
  });

  it("a GPG-signed and an SSH-signed tag by allowed keys are valid: exit 0", async () => {
    for (const tag of [scenario.mergeWindowTag, scenario.fixesTag]) {
      const result = await runCli(["check-tag", tag, "--repo", repo, "--at", AT, "--json"], { env });
      assert.equal(result.code, 0, result.stdout + result.stderr);
      const { tag: name, valid, stableBranch, problems, signer } = parseJson(result);
      assert.deepEqual(
        { name, valid, stableBranch, problems },
        { name: tag, valid: true, stableBranch: "stable-6.9", problems: [] },
      );
      assert.match(signer, /^good signature by /);
    }
    const text = await runCli(["check-tag", scenario.mergeWindowTag, "--repo", repo, "--at", AT], { env });
    assert.match(
      text.stdout,
      new RegExp(
        `^${scenario.mergeWindowTag}: valid \\(on stable-6\\.9\\)\n  signer: good signature by Paul Moore ` +
          `<paul@paul-moore.com> \\(key ${scenario.gpgKey.fingerprint}\\), one of signing.allowedSigners\n`,
      ),
    );
  });

  it("unsigned, lightweight, unknown tags and a signer the config does not allow: exit 1 with the codes", async () => {
    const codes = async (tag: string, extra: string[] = []) => {
      const result = await runCli(["check-tag", tag, "--repo", repo, "--at", AT, "--json", ...extra], { env });
      assert.equal(result.code, 1, result.stdout + result.stderr);
      const verdict = parseJson(result);
      assert.equal(verdict.tag, tag);
      assert.equal(verdict.valid, false);
      for (const problem of verdict.problems) assert.match(problem.message, new RegExp(tag));
      return verdict.problems.map((problem: { code: string }) => problem.code);
    };
    assert.deepEqual(await codes("selinux-pr-20240328"), ["unsigned"]);
    assert.deepEqual(await codes("selinux-pr-20240329"), ["lightweight"]);
    assert.deepEqual(await codes("selinux-pr-20240401"), ["not-found"]);
    const other = writeRepoFile(
      dir,
      "other.yml",
      `subsystem: selinux\nsigning:\n  allowedSigners: ["${"AB".repeat(20)}"]\n`,
    );
    assert.deepEqual(await codes(scenario.mergeWindowTag, ["--config", other]), ["signer-not-allowed"]);
    const text = await runCli(["check-tag", "selinux-pr-20240328", "--repo", repo, "--at", AT], { env });
    assert.match(
      text.stdout,
      new RegExp(
        /^selinux-pr-20240328: invalid\n  warning: [^\n]+\n  unsigned: tag selinux-pr-20240328 is /.source +
          /annotated but not signed\n$/.source,
      ),
    );
  });

  it("hostile tag names exit 2 with one line on stderr, and no git process runs at all", async () => {
    for (const name of HOSTILE) {
      for (const argv of [
        ["check-tag", "--repo", repo, "--", name],
        ["request-pull", "--repo", repo, "--url", "https://example.org/x.git", "--", name],
      ]) {
        const result = await runCli(argv, { env });
        assert.equal(result.code, 2, `${JSON.stringify(name)}: ${result.stdout}`);
        assert.equal(result.stdout, "");
        assert.match(
          result.stderr,
          /^merge-window (check-tag|request-pull): tag name refused: [^\n]+\n$/,
          JSON.stringify(name),
        );
        assert.deepEqual(result.spawns, [], `${JSON.stringify(name)} started git`);
      }
    }
    for (const [flag, command] of [
      ["--onto", "advise-rebase"],
      ["--base", "request-pull"],
    ] as const) {
      const argv =
        command === "request-pull" ? [command, scenario.fixesTag, "--url", "https://example.org/x.git"] : [command];
      const result = await runCli([...argv, "--repo", repo, `${flag}=--upload-pack=touch /tmp/pwned`], { env });
      assert.equal(result.code, 2, result.stdout);
      assert.match(
        result.stderr,
        new RegExp(
          /^merge-window [a-z-]+: --(onto tag|base) name refused: "--upload-pack=touch \/tmp\/pwned" /.source +
            /starts with "-"[^\n]*\n$/.source,
        ),
      );
      assert.deepEqual(result.spawns, []);
    }
  });

  it("tag-name: the next free name on the current stable branch, same-day suffix -2, then -3", async () => {
    const stableSha = git(repo, ["rev-parse", "refs/heads/stable-6.9"]);
    const first = await runCli(["tag-name", "--repo", repo, "--at", AT, "--date", "2024-03-27"], { env });
    assert.equal(first.code, 0, first.stderr);
    const lines = first.stdout.split("\n");
    assert.deepEqual(lines.slice(0, 2), ["selinux-pr-20240327-2", "selinux/stable-6.9 PR 20240327"]);
    assert.ok(
      lines.includes(`git tag -s -m 'selinux/stable-6.9 PR 20240327' selinux-pr-20240327-2 ${stableSha}`),
      first.stdout,
    );
    assert.ok(lines.includes("git push origin selinux-pr-20240327-2"));

    git(repo, ["tag", "selinux-pr-20240327-2", stableSha]);
    const second = await runCli(["tag-name", "--repo", repo, "--at", AT, "--date", "2024-03-27"], { env });
    assert.equal(second.stdout.split("\n")[0], "selinux-pr-20240327-3");
    git(repo, ["tag", "-d", "selinux-pr-20240327-2"]);

    const fresh = await runCli(["tag-name", "--repo", repo, "--at", AT, "--date", "2024-03-30"], { env });
    assert.equal(fresh.stdout.split("\n")[0], "selinux-pr-20240330");
  });

  it("tag-name's git tag -s line, run as printed, makes a tag check-tag finds valid", async () => {
    const proposed = await runCli(["tag-name", "--repo", repo], { env });
    assert.equal(proposed.code, 0, proposed.stderr);
    const name = proposed.stdout.split("\n")[0]!;
    const command = proposed.stdout.split("\n").find((line) => line.startsWith("git tag -s "))!;
    // The maintainer's clone knows who he is (a fresh CI machine has no global identity).
    git(repo, ["config", "user.signingKey", scenario.gpgKey.fingerprint]);
    git(repo, ["config", "user.name", scenario.gpgKey.name]);
    git(repo, ["config", "user.email", scenario.gpgKey.email]);
    execFileSync("sh", ["-c", command], {
      cwd: repo,
      env: buildGitEnv({ GNUPGHOME: scenario.gpgKey.gnupgHome }),
      stdio: "pipe",
    });
    try {
      const checked = await runCli(["check-tag", name, "--repo", repo, "--json"], { env });
      const { tag, valid, stableBranch, problems } = parseJson(checked);
      assert.deepEqual(
        { tag, valid, stableBranch, problems },
        { tag: name, valid: true, stableBranch: "stable-6.9", problems: [] },
      );
      assert.equal(checked.code, 0);
    } finally {
      git(repo, ["tag", "-d", name]);
    }
  });
});
