// Scenario 12: the role matrix. Through the real app and the sandbox forge, people with each repository role (and an
// outsider) comment a read-only command (`status`, needs write) and a destructive one (`create-stable`, needs
// maintain): each is allowed or denied by the role GitHub's permission endpoint gives (`role_name`), never by
// `author_association`, and a denial changes nothing.
//
// Denials are answered once per person per thread per hour (the reply budget, below; its cap on all replies is in
// s15). Not covered, and why: `dependabot[bot]` and other bots are ignored outright (see s15-self-loops); the
// sandbox forge has no forks or deleted (ghost) accounts: GitHub's `ghost` is an account without a role, the
// outsider row here.
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
  const refs = async () => JSON.stringify([...(await replay.forge.refs(OWNER, REPO))]);
  const before = await refs();

  for (const [login, role, shown, allowed] of ROWS) {
    const client = createUserClient(replay.forge.baseUrl, replay.forge.createUser(login));
    replay.forge.setPermission(OWNER, REPO, login, role);
    for (const [command, ok] of [
      ["status", allowed.status],
      ["create-stable", allowed.createStable],
    ] as const) {
      const count = replies().length;
      // An hour apart: each denial is this person's first in the thread this hour (the reply budget).
      replay.at(new Date(replay.clock.now().getTime() + 61 * 60_000));
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
  assert.equal(await refs(), before, "no ref changed");
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

test("s12: one denial per person per thread per hour; the rest are settled silently, answers go on", async (t) => {
  const world = await openReliabilityWorld();
  t.after(() => world.close());
  const { replay } = world;
  const keys = () => world.commentKeys().filter((key) => key.startsWith("reply:"));
  const comment = async (client: ReturnType<typeof createUserClient>, body: string) => {
    await client.rest.issues.createComment({ owner: OWNER, repo: REPO, issue_number: world.issue, body });
    await replay.settle();
  };
  const eve = createUserClient(replay.forge.baseUrl, replay.forge.createUser("eve"));
  const mallory = createUserClient(replay.forge.baseUrl, replay.forge.createUser("mallory"));

  for (let i = 0; i < 3; i++) await comment(eve, "/merge-window status");
  assert.deepEqual(
    keys().map((key) => key.replace(/\d+/, "#")),
    ["reply:#:denied:eve"],
    "three denied commands, one reply",
  );
  await comment(mallory, "/merge-window status");
  await world.comment("/merge-window help");
  assert.equal(keys().length, 3, "another person's denial and the maintainer's answer are not held back");
  await replay.tick();
  assert.equal(keys().length, 3, "the held-back commands are never taken up again");

  replay.at(new Date(replay.clock.now().getTime() + 61 * 60_000));
  await comment(eve, "/merge-window status");
  assert.equal(keys().filter((key) => key.endsWith(":denied:eve")).length, 2, "an hour later: answered again");
});
