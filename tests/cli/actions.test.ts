// merge-window rebase / create-stable / tag against a bare remote: the plan and --dry-run change nothing, a push
// only after yes, the backup is on the remote, a lease refuses when someone pushed in between, a second run is a no-op.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { buildGitEnv } from "../../src/adapters/git/runner.ts";
import { defaultConfig } from "../../src/config/load.ts";
import { addBareRemote, PAUL } from "../fixtures/kernel-repo.ts";
import { createGpgKey, stopGpgAgent, type GpgKey } from "../fixtures/keys.ts";
import { buildWorld, createTempDir, git, parseJson, removeDir, runCli, writeRepoFile } from "./cli-world.ts";

const AT = "2024-03-12T18:00:00Z"; // day 2 of the v6.9 window

/** `<sha> <ref>` of every ref of the bare remote (what "nothing changed" compares). */
function remoteRefs(remote: string): string {
  return execFileSync("git", ["for-each-ref", "--format=%(objectname) %(refname)"], {
    cwd: remote,
    env: buildGitEnv(),
    encoding: "utf8",
  });
}

describe("local actions against a bare remote", () => {
  let dir: string;
  let key: GpgKey;
  let repo: string;
  let remote: string;
  let other: string;
  let env: Record<string, string>;

  before(() => {
    dir = createTempDir("actions");
    key = createGpgKey(join(dir, "keys"), { name: PAUL.name, email: PAUL.email });
    repo = buildWorld(dir, { from: "v6.7", to: "v6.8" }, [
      { kind: "branch", name: "next", from: "v6.8-rc1" },
      {
        kind: "patches",
        branch: "next",
        patches: [
          { subject: "selinux: one", date: "2024-01-25 17:55:45 -0500" },
          { subject: "selinux: two", date: "2024-02-20 17:00:00 -0500" },
        ],
      },
    ]).subsystem.dir;
    writeRepoFile(repo, ".github/merge-window.yml", "subsystem: selinux\n");
    git(repo, ["checkout", "-q", "--detach"]);
    git(repo, ["config", "user.name", PAUL.name]);
    git(repo, ["config", "user.email", PAUL.email]);
    git(repo, ["config", "user.signingKey", key.fingerprint]);
    remote = addBareRemote(repo, join(dir, "selinux.git"));
    other = join(dir, "other");
    execFileSync("git", ["clone", "-q", remote, other], { env: buildGitEnv() });
    env = { GNUPGHOME: key.gnupgHome };
  });
  after(() => {
    stopGpgAgent(key);
    removeDir(dir);
  });

  const base = () => ["--repo", repo, "--at", AT];

  it("rebase: --dry-run prints the exact commands and changes nothing; no answer, no push", async () => {
    const before = remoteRefs(remote);
    const dry = await runCli(["rebase", ...base(), "--onto", "v6.8", "--dry-run"], { env });
    assert.equal(dry.code, 0, dry.stderr);
    const old = git(repo, ["rev-parse", "next"]);
    assert.match(
      dry.stdout,
      /^plan \(dry run, nothing is changed\):\n  rebase next \([0-9a-f]{12}, 2 own commit\(s\)\) onto v6\.8/,
    );
    assert.ok(
      dry.stdout.includes(
        `  git push --atomic --porcelain --no-verify --force-with-lease=refs/heads/next:${old} ` +
          `--end-of-options origin `,
      ),
      dry.stdout,
    );
    assert.ok(!dry.spawns.some((argv) => argv.includes("push")), "a dry run never pushes");
    const declined = await runCli(["rebase", ...base(), "--onto", "v6.8"], { env });
    assert.equal(declined.code, 1);
    assert.match(declined.stderr, /nothing pushed: not confirmed/);
    assert.equal(remoteRefs(remote), before);
  });

  it("rebase: someone pushes next while we ask; the lease refuses, their push stays", async () => {
    const intruder = async () => {
      execFileSync(
        "git",
        ["-c", "user.name=X", "-c", "user.email=x@example.org", "commit", "-q", "--allow-empty", "-m", "theirs"],
        {
          cwd: other,
          env: buildGitEnv(),
        },
      );
      execFileSync("git", ["push", "-q", "origin", "HEAD:refs/heads/next"], { cwd: other, env: buildGitEnv() });
      return true;
    };
    git(other, ["checkout", "-q", "-B", "next", "origin/next"]);
    const result = await runCli(["rebase", ...base(), "--onto", "v6.8"], { env, confirm: intruder });
    assert.equal(result.code, 1);
    assert.match(result.stderr, /refused the update of next/);
    const theirs = git(other, ["rev-parse", "HEAD"]);
    assert.match(remoteRefs(remote), new RegExp(`^${theirs} refs/heads/next$`, "m"));
    // put the remote back for the next test (test setup, not the CLI)
    execFileSync("git", ["push", "-q", "--force", "origin", `${git(repo, ["rev-parse", "next"])}:refs/heads/next`], {
      cwd: other,
      env: buildGitEnv(),
    });
  });

  it("rebase --yes: backup on the remote first, next moved there and here; a second run is a no-op", async () => {
    const old = git(repo, ["rev-parse", "next"]);
    const result = await runCli(["rebase", ...base(), "--onto", "v6.8", "--yes", "--json"], { env });
    assert.equal(result.code, 0, result.stderr);
    const report = parseJson(result);
    assert.equal(report.status, "rebased");
    const refs = remoteRefs(remote);
    assert.match(refs, new RegExp(`^${old} refs/merge-window/backup/next-\\d{8}T\\d{6}Z-${old.slice(0, 12)}$`, "m"));
    assert.match(refs, new RegExp(`^${report.newSha} refs/heads/next$`, "m"));
    assert.equal(git(repo, ["rev-parse", "next"]), report.newSha);
    assert.equal(git(repo, ["merge-base", "--is-ancestor", "v6.8", "next"]), "");
    const again = await runCli(["rebase", ...base(), "--onto", "v6.8", "--yes"], { env });
    assert.equal(again.code, 0, again.stderr);
    assert.equal(again.stdout, "next is already on v6.8: nothing to do\n");
    assert.equal(remoteRefs(remote), refs);
  });

  it("create-stable: created only if absent (another's branch is never moved); a second run is a no-op", async () => {
    const next = git(repo, ["rev-parse", "next"]);
    const first = git(repo, ["rev-parse", "next~1"]);
    const racer = async () => {
      execFileSync("git", ["push", "-q", remote, `${first}:refs/heads/stable-6.9`], { cwd: repo, env: buildGitEnv() });
      return true;
    };
    git(other, ["fetch", "-q"]);
    const raced = await runCli(["create-stable", ...base()], { env, confirm: racer });
    assert.equal(raced.code, 1);
    assert.match(raced.stderr, /stable-6\.9 already exists at [0-9a-f]{12}, not at/);
    assert.match(remoteRefs(remote), new RegExp(`^${first} refs/heads/stable-6\\.9$`, "m"));
    execFileSync("git", ["push", "-q", remote, ":refs/heads/stable-6.9"], { cwd: repo, env: buildGitEnv() });
    const created = await runCli(["create-stable", ...base(), "--yes"], { env });
    assert.equal(created.code, 0, created.stderr);
    assert.match(remoteRefs(remote), new RegExp(`^${next} refs/heads/stable-6\\.9$`, "m"));
    assert.equal(git(repo, ["rev-parse", "stable-6.9"]), next);
    const refs = remoteRefs(remote);
    const again = await runCli(["create-stable", ...base(), "--yes"], { env });
    assert.equal(again.code, 0);
    assert.match(again.stdout, /stable-6\.9 already exists at [0-9a-f]{12}: nothing to do/);
    assert.equal(remoteRefs(remote), refs);
  });

  it("tag: git tag -s with the computed name and message, pushed only if absent; a second run is a no-op", async () => {
    const dry = await runCli(["tag", ...base(), "--dry-run"], { env });
    assert.equal(dry.code, 0, dry.stderr);
    assert.ok(
      dry.stdout.includes(
        "  git tag --sign '--message=selinux/stable-6.9 PR 20240312' --end-of-options selinux-pr-20240312 ",
      ),
      dry.stdout,
    );
    const racer = async () => {
      git(other, ["fetch", "-q"]);
      git(other, ["tag", "-a", "-m", "not ours", "selinux-pr-20240312", "origin/stable-6.9"]);
      git(other, ["push", "-q", "origin", "refs/tags/selinux-pr-20240312"]);
      return true;
    };
    const raced = await runCli(["tag", ...base()], { env, confirm: racer });
    assert.equal(raced.code, 1);
    assert.match(raced.stderr, /tag selinux-pr-20240312 already exists on origin; tag names are never reused/);
    execFileSync("git", ["push", "-q", remote, ":refs/tags/selinux-pr-20240312"], { cwd: repo, env: buildGitEnv() });
    // --at only places the calendar; the tag is signed now, so its {date} is today's, given with --date.
    const today = new Intl.DateTimeFormat("en-CA", { timeZone: defaultConfig("selinux").timeZone }).format(new Date());
    const name = `selinux-pr-${today.replaceAll("-", "")}`;
    const tagged = await runCli(["tag", ...base(), "--date", today, "--yes"], { env });
    assert.equal(tagged.code, 0, tagged.stderr);
    assert.match(
      tagged.stdout,
      new RegExp(`\\nsigned and pushed ${name} \\([0-9a-f]{12}\\) at stable-6\\.9 [0-9a-f]{12}\\n$`),
    );
    assert.match(tagged.stderr, /^note: --at 2024-03-12T18:00:00Z places the calendar only; the tag is signed now/);
    const check = await runCli(["check-tag", name, "--repo", repo], { env });
    assert.equal(check.code, 0, check.stdout);
    const refs = remoteRefs(remote);
    const again = await runCli(["tag", ...base(), "--yes"], { env });
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, new RegExp(`is already tagged ${name} on origin: nothing to do`));
    assert.equal(remoteRefs(remote), refs);
  });
});
