// Scenario 12: the role matrix. Through the real app and the sandbox forge, people with each repository role (and an
// outsider) comment a read-only command (`status`, needs write) and a destructive one (`create-stable`, needs
// maintain): each is allowed or denied by the role GitHub's permission endpoint gives (`role_name`), never by
// `author_association`, and a denial changes nothing.
//
// Not covered, and why: there is no one-reply-per-hour budget for denials (each denied command gets its reply);
// `dependabot[bot]` and other bots are ignored outright (see s15-self-loops); the sandbox forge has no forks or
// deleted (ghost) accounts: GitHub's `ghost` is an account without a role, the outsider row here.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { createUserClient } from "../../src/sandbox/scenario-maintainer.ts";
import { findTrackingIssue } from "../../src/sandbox/replay-state.ts";
import type { Role } from "../../src/sandbox/forge/types.ts";
import { OWNER, REPO, openReliabilityWorld } from "./reliability-world.ts";

// `shown` is the permission GitHub reports: an outsider of a public repository reads as `read`.
const ROWS: [string, Role | null, string, { status: boolean; createStable: boolean }][] = [
  ["role-admin", "admin", "admin", { status: true, createStable: true }],
  ["role-maintain", "maintain", "maintain", { status: true, createStable: true }],
  ["role-write", "write", "write", { status: true, createStable: false }],
  ["role-triage", "triage", "triage", { status: false, createStable: false }],
  ["role-read", "read", "read", { status: false, createStable: false }],
  ["outsider", null, "read", { status: false, createStable: false }],
];

test("s12: every role is allowed exactly the commands its permission reaches; denials do nothing", async (t) => {
  const world = await openReliabilityWorld();
  t.after(() => world.close());
  const { replay } = world;
  const replies = () =>
    findTrackingIssue(replay.forge, OWNER, REPO)!
      .comments.filter((comment) => comment.author.endsWith("[bot]") && comment.body.includes("merge-window:reply:"))
      .map((comment) => comment.body);
  const before = JSON.stringify(await replay.forge.refs(OWNER, REPO));

  for (const [login, role, shown, allowed] of ROWS) {
    const client = createUserClient(replay.forge.baseUrl, replay.forge.createUser(login));
    replay.forge.setPermission(OWNER, REPO, login, role);
    for (const [command, ok] of [
      ["status", allowed.status],
      ["create-stable", allowed.createStable],
    ] as const) {
      const count = replies().length;
      await client.rest.issues.createComment({
        owner: OWNER,
        repo: REPO,
        issue_number: world.issue,
        body: `/merge-window ${command}`,
      });
      await replay.settle();
      const added = replies().slice(count);
      assert.equal(added.length, 1, `${login} ${command}: one reply`);
      const denied = /needs (write|maintain) permission on this repository; yours is \w+\. Nothing was done\./;
      if (ok) assert.doesNotMatch(added[0]!, denied, `${login} may ${command}`);
      else assert.match(added[0]!, denied, `${login} may not ${command}`);
      if (!ok) assert.match(added[0]!, new RegExp(`yours is ${shown}\\.`), `${login}: the role GitHub gave`);
    }
  }
  // create-stable is refused at this point of the cycle even when allowed (rc1): no row changed a ref.
  assert.equal(JSON.stringify(await replay.forge.refs(OWNER, REPO)), before, "no ref changed");
});

test("s12: author_association is never read outside the sandbox forge that serves it", () => {
  const files = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
      entry.isDirectory() ? files(join(dir, entry.name)) : [join(dir, entry.name)],
    );
  const readers = files("src")
    .filter((file) => !file.startsWith(join("src", "sandbox", "forge")))
    .filter((file) => readFileSync(file, "utf8").includes("author_association"));
  assert.deepEqual(readers, []);
});
