// README: Reliability, scenario 26. The backup cleanup on a real bare remote: dry-run by default, deletes only old
// backups whose commit a branch or tag still holds, keeps (and names) the rest, deletes under a lease on the SHA it
// read; and no code path but the tag deletion and this cleanup deletes a ref on a remote.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createBackupStore, type BackupStore } from "../../src/adapters/git/backups.ts";
import { buildBackupRef } from "../../src/adapters/git/rebase.ts";
import { buildGitEnv } from "../../src/adapters/git/runner.ts";
import { cleanupBackups } from "../../src/cleanup-backups.ts";
import { parseConfig } from "../../src/config/load.ts";
import { judgeBackups, parseBackupStamp } from "../../src/domain/backup-cleanup.ts";
import { runCli } from "../cli/cli-world.ts";
import { JOBS } from "../../src/app/schedule.ts";
import { createReplay, OWNER, REPO } from "../../src/sandbox/replay.ts";

const NOW = new Date("2024-06-01T12:00:00Z");
const POLICY = { deleteAfterDays: 90, cleanup: "delete" as const };
const B = "refs/merge-window/backup/";

function git(dir: string, args: readonly string[]): string {
  return execFileSync("git", ["-c", "user.name=Paul Moore", "-c", "user.email=paul@paul-moore.com", ...args], {
    cwd: dir,
    env: buildGitEnv(),
    encoding: "utf8",
    stdio: ["pipe", "pipe", "pipe"],
  }).trim();
}

type BackupKey = "oldHeld" | "oldLost" | "young" | "oldHeldByBackup" | "youngSide" | "badStamp";

interface BackupWorld {
  readonly origin: string;
  readonly app: string;
  readonly refs: Record<BackupKey, string>;
  /** `refname sha` of every ref in the origin. */
  snapshot(): string;
  commit(message: string): string;
  pushTo(sha: string, ref: string): void;
}

/**
 * origin: next (a-b-c), tag v1 at a; backups: old at b (held by next), old at d (held by nothing), young at c,
 * old at e (held only by a younger backup at f), and one whose stamp is no date (Feb 30) at b.
 */
function buildBackupWorld(t: { after: (fn: () => void) => void }): BackupWorld {
  const root = mkdtempSync(join(tmpdir(), "mw-s26-"));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const origin = join(root, "origin.git");
  const work = join(root, "work");
  const app = join(root, "app.git");
  git(root, ["init", "-q", "--bare", origin]);
  git(root, ["init", "-q", "-b", "next", work]);
  let n = 0;
  const commit = (message: string) => {
    writeFileSync(join(work, "file"), `${message} ${n++}\n`);
    git(work, ["add", "file"]);
    git(work, ["commit", "-q", "-m", message]);
    return git(work, ["rev-parse", "HEAD"]);
  };
  const pushTo = (sha: string, ref: string) => void git(work, ["push", "-q", "--force", origin, `${sha}:${ref}`]);
  const a = commit("a");
  git(work, ["tag", "v1", a]);
  const b = commit("b");
  const c = commit("c");
  git(work, ["push", "-q", origin, "next", "v1"]);
  git(work, ["checkout", "-q", "-b", "side", a]);
  const d = commit("d (dropped by a rebase)");
  const e = commit("e");
  const f = commit("f");
  const refs: Record<BackupKey, string> = {
    oldHeld: buildBackupRef("next", b, new Date("2024-01-10T09:08:07Z")),
    oldLost: buildBackupRef("next", d, new Date("2024-01-11T09:08:07Z")),
    young: buildBackupRef("next", c, new Date("2024-05-30T00:00:00Z")),
    oldHeldByBackup: buildBackupRef("next", e, new Date("2024-01-12T00:00:00Z")),
    youngSide: buildBackupRef("next", f, new Date("2024-05-31T00:00:00Z")),
    badStamp: `${B}next-20240230T000000Z-${b.slice(0, 12)}`,
  };
  const shas: Record<BackupKey, string> = {
    oldHeld: b,
    oldLost: d,
    young: c,
    oldHeldByBackup: e,
    youngSide: f,
    badStamp: b,
  };
  for (const [key, ref] of Object.entries(refs)) pushTo(shas[key as BackupKey], ref);
  git(root, ["clone", "-q", "--bare", origin, app]);
  return {
    origin,
    app,
    refs,
    snapshot: () => git(origin, ["for-each-ref", "--format=%(refname) %(objectname)"]),
    commit,
    pushTo,
  };
}

test("s26: a backup's name carries its UTC stamp; a name with no real stamp is refused", () => {
  const sha = "0123456789abcdef0123456789abcdef01234567";
  const at = new Date("2024-03-10T01:02:03Z");
  assert.deepEqual(parseBackupStamp(buildBackupRef("next", sha, at)), at, "the rebase's own names round-trip");
  for (const ref of [
    `${B}next-20240230T000000Z-0123456789ab`,
    `${B}next-20240310T250000Z-0123456789ab`,
    `${B}next-2024-03-10-0123456789ab`,
    `${B}next-20240310T010203Z`,
    "refs/heads/next-20240310T010203Z-0123456789ab",
    `${B}ne xt-20240310T010203Z-0123456789ab`,
  ])
    assert.equal(parseBackupStamp(ref), null, ref);
  const verdicts = judgeBackups(
    [{ ref: buildBackupRef("next", sha, at), sha, reachable: true }],
    { deleteAfterDays: 90, cleanup: "dry-run" },
    new Date("2024-01-01T00:00:00Z"),
  );
  assert.equal(verdicts[0]!.action, "keep", "a stamp in the future is kept");
});

test("s26: the policy is dry-run by default and 90 days; a bad value is refused by name", () => {
  const parsed = parseConfig("subsystem: selinux\n");
  assert.ok(parsed.ok);
  assert.deepEqual(parsed.config.backups, { deleteAfterDays: 90, cleanup: "dry-run" });
  const bad = parseConfig("subsystem: selinux\nbackups:\n  cleanup: yes-please\n");
  assert.ok(!bad.ok);
  assert.match(JSON.stringify(bad.errors), /backups\.cleanup/);
});

test("s26: dry-run deletes nothing and says what it would delete and why each other backup stays", async (t) => {
  const world = buildBackupWorld(t);
  const before = world.snapshot();
  const store = createBackupStore({ repoDir: world.app });
  const report = await cleanupBackups(store, { ...POLICY, cleanup: "dry-run" }, NOW);
  assert.equal(world.snapshot(), before, "nothing changed on the remote");
  assert.deepEqual(report.deleted, []);
  const line = (ref: string) => report.lines.find((l) => l.includes(ref)) ?? `(no line for ${ref})`;
  assert.match(line(world.refs.oldHeld), /^would delete .*143 days old .* \(dry-run\)$/);
  assert.match(line(world.refs.oldLost), /^keep .*no branch or tag holds/);
  assert.match(line(world.refs.oldHeldByBackup), /^keep .*no branch or tag holds/, "a backup does not hold one");
  assert.match(line(world.refs.young), /^keep .*2 days old; kept for 90 days/);
  assert.match(line(world.refs.badStamp), /^keep refs\/merge-window\/backup\/next-20240230T000000Z-.*no .*stamp/);
  assert.equal(report.lines.length, 6);
});

test("s26: delete mode deletes exactly the old backups a branch or tag holds; nothing else changes", async (t) => {
  const world = buildBackupWorld(t);
  const before = world.snapshot();
  const report = await cleanupBackups(createBackupStore({ repoDir: world.app }), POLICY, NOW);
  assert.deepEqual(report.deleted, [world.refs.oldHeld]);
  const expected = before
    .split("\n")
    .filter((line) => !line.startsWith(`${world.refs.oldHeld} `))
    .join("\n");
  assert.equal(world.snapshot(), expected, "only the old, held backup is gone");
  assert.match(
    report.lines.find((l) => l.includes(world.refs.oldHeld))!,
    /^deleted /,
  );
  // Once its child's backup is old too and next holds it, nothing changes: a backup never holds another.
  const again = await cleanupBackups(createBackupStore({ repoDir: world.app }), POLICY, NOW);
  assert.deepEqual(again.deleted, []);
  assert.equal(world.snapshot(), expected);
});

test("s26: merge-window cleanup-backups is a dry-run unless --delete (or backups.cleanup: delete)", async (t) => {
  const world = buildBackupWorld(t);
  const before = world.snapshot();
  const argv = ["cleanup-backups", "--repo", world.app, "--subsystem", "selinux", "--at", NOW.toISOString()];
  const dry = await runCli(argv);
  assert.equal(dry.code, 0, dry.stderr);
  assert.match(dry.stdout, new RegExp(`^would delete ${world.refs.oldHeld}: `, "m"));
  assert.match(dry.stdout, new RegExp(`^keep ${world.refs.badStamp}: `, "m"));
  assert.equal(world.snapshot(), before, "the dry-run changed nothing");
  const done = await runCli([...argv, "--delete", "--json"]);
  assert.equal(done.code, 0, done.stderr);
  assert.deepEqual((JSON.parse(done.stdout) as { deleted: string[] }).deleted, [world.refs.oldHeld]);
  assert.ok(!world.snapshot().includes(world.refs.oldHeld));
});

test("s26: the app's daily job runs the cleanup for each repository under its policy: dry-run logs", async (t) => {
  assert.ok(
    JOBS.some((job) => job.name === "cleanup-backups"),
    "a scheduled job",
  );
  const lines: string[] = [];
  const replay = await createReplay({ variant: "rebase-at-window-open", onLog: (line) => lines.push(line.message) });
  t.after(() => replay.close());
  await replay.tick();
  const refs = async () => [...(await replay.forge.refs(OWNER, REPO))].map(([ref, state]) => `${ref} ${state.sha}`);
  const next = (await replay.forge.refs(OWNER, REPO)).get("refs/heads/next")!.sha;
  const old = buildBackupRef("next", next, new Date("2023-10-01T00:00:00Z"));
  const young = buildBackupRef("next", next, new Date("2024-01-20T00:00:00Z"));
  for (const ref of [old, young]) await replay.maintainer.repo.git.run(["push", "origin", `${next}:${ref}`]);
  const before = await refs();
  assert.ok(before.includes(`${old} ${next}`));
  await replay.app.runtime.runJob("cleanup-backups");
  await replay.settle();
  const said = lines.filter((line) => line.includes("backup cleanup"));
  assert.ok(
    said.some((line) => line.includes(`backup cleanup (dry-run): would delete ${old}: `)),
    said.join("\n"),
  );
  assert.ok(
    said.some((line) => line.includes(`keep ${young}: 2 days old; kept for 90 days`)),
    said.join("\n"),
  );
  assert.deepEqual(await refs(), before, "dry-run: no ref changed");
});

test("s26: a backup moved between read and delete is refused by the lease; nothing else changes", async (t) => {
  const world = buildBackupWorld(t);
  const elsewhere = world.commit("g");
  const real = createBackupStore({ repoDir: world.app });
  let moved = "";
  const racing: BackupStore = {
    async read() {
      const facts = await real.read();
      world.pushTo(elsewhere, world.refs.oldHeld); // someone moves it after the cleanup read it
      moved = world.snapshot();
      return facts;
    },
    delete: (ref, sha) => real.delete(ref, sha),
  };
  const report = await cleanupBackups(racing, POLICY, NOW);
  assert.deepEqual(report.deleted, []);
  assert.match(report.refused.get(world.refs.oldHeld) ?? "", /changed since it was read/);
  assert.match(
    report.lines.find((l) => l.includes(world.refs.oldHeld))!,
    /^not deleted /,
  );
  assert.equal(world.snapshot(), moved, "the moved backup keeps its new commit; no other ref changed");
  assert.ok(world.snapshot().includes(`${world.refs.oldHeld} ${elsewhere}`));
});

test("s26: only the tag deletion and the backup cleanup delete a ref on a remote; no REST or GraphQL deletion", () => {
  const root = join(import.meta.dirname, "../../src");
  const files = readdirSync(root, { recursive: true, encoding: "utf8" })
    .filter((file) => file.endsWith(".ts") && !file.startsWith("sandbox/"))
    .sort();
  const offences: string[] = [];
  const deleters: string[] = [];
  // Local deletions in merge-window's own clones, each named: mirror refs upstream dropped, a tag whose push failed.
  const LOCAL = [
    /^adapters\/git\/observe\.ts: .*\["update-ref", "-d", "--end-of-options", `\$\{UPSTREAM_HEADS\}/,
    /^adapters\/git\/tags\.ts: .*\["tag", "--delete", "--end-of-options", name\]/,
    /^adapters\/git\/workspace\.ts: if \(ref\.startsWith\("refs\/merge-window\/upstream\/"\) && .*`delete \$\{ref\}/,
    /^adapters\/git\/workspace\.ts: .*git\.runWithInput\(\["update-ref", "--stdin"\], commands\.join/,
  ];
  for (const file of files) {
    const text = readFileSync(join(root, file), "utf8");
    // A push of no object (`sha: null`) is a deletion: pushWithLeases is the only push.
    if (/pushWithLeases\([^;]*sha: null/s.test(text)) deleters.push(file);
    const runsGit = /pushWithLeases|buildPushArgs|["'`]push["'`]/.test(text);
    for (const [i, line] of text.split("\n").entries()) {
      if (/^\s*(\*|\/\/|\/\*)/.test(line)) continue;
      const where = `${file}: ${line.trim()}`;
      const deletes =
        (runsGit && /["'`]:(refs\/|\$\{)/.test(line)) || // a `:refs/…` refspec
        /["'`](--delete|-d|-D)["'`]/.test(line) ||
        /deleteRef|updateRefs|DELETE \/repos\/[^"'`]*\/git\/refs|`delete \$\{/.test(line) ||
        /"update-ref", "--stdin"/.test(line);
      if (deletes && !LOCAL.some((allowed) => allowed.test(where))) offences.push(`${file}:${i + 1}: ${line.trim()}`);
    }
  }
  assert.deepEqual(offences, []);
  assert.deepEqual(deleters, ["adapters/git/backups.ts", "adapters/git/delete-tag.ts"]);
});
