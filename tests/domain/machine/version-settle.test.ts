// The maintainer's own actions settle the next version: his command, a stable-X.Y branch he created, a valid tag
// naming stable-X.Y; when they disagree the tracking issue says so in plain words and nothing is guessed.
import { test } from "node:test";
import assert from "node:assert/strict";
import { defaultConfig, type Config } from "../../../src/config/load.ts";
import { findCommand } from "../../../src/domain/commands.ts";
import { emptyMemory, type Memory, type RepoFacts } from "../../../src/domain/facts.ts";
import { deriveSituation } from "../../../src/domain/machine/situation.ts";
import type { MachineEvent } from "../../../src/domain/machine/transition.ts";
import { collectVersionClaims, decideVersion } from "../../../src/domain/machine/version-settle.ts";
import { formatVersionNumber } from "../../../src/domain/version.ts";
import { sha, stable, summarize, tag, World } from "./machine-world.ts";

const settings: Config = {
  ...defaultConfig("selinux"),
  automation: { ...defaultConfig("selinux").automation, createStable: "auto" },
};
const base = { major: 6, minor: 19 };
/** v6.19 is out (2026-02-08): the window is for 6.20 or 7.0. */
const IN_WINDOW = "2026-02-10T10:00:00Z";

function v619Facts(extra: Partial<RepoFacts> = {}): RepoFacts {
  const rc1 = Date.parse("2025-12-14T22:00:00Z");
  const rcs = Array.from({ length: 8 }, (_, i) => ({
    name: `v6.19-rc${i + 1}`,
    date: new Date(rc1 + i * 7 * 86_400_000),
  }));
  return {
    upstreamTags: [...rcs, { name: "v6.19", date: new Date("2026-02-08T22:00:00Z") }],
    source: { name: "next", sha: sha("next-tip"), base: "v6.19-rc1", ahead: 5, foreignMerges: false },
    stableBranches: [stable("stable-6.19", sha("s619"), "v6.19-rc1")],
    tags: [],
    ...extra,
  };
}
const memory = (update: Partial<Memory> = {}): Memory => ({ ...emptyMemory("6.19"), ...update });
const decide = (facts: RepoFacts, mem = memory()) => decideVersion({ base, facts, memory: mem, settings });
const named = (facts: RepoFacts, mem = memory()) =>
  collectVersionClaims({ base, facts, memory: mem, settings }).map(
    (claim) => `${formatVersionNumber(claim.version)} ← ${claim.words}`,
  );

test("claims: the command, his newer stable branches, valid unmerged tags naming them; nothing else", () => {
  const own = stable("stable-7.0", sha("next-tip"), "v6.19");
  const facts = v619Facts({
    stableBranches: [stable("stable-6.19", sha("s619"), "v6.19-rc1"), own, stable("stable-6.20", sha("x"), "v6.19")],
    tags: [
      tag("selinux-pr-20260210", "2026-02-10T09:00:00Z", "stable-7.0"),
      tag("selinux-pr-20260211", "2026-02-11T09:00:00Z", "stable-7.0", false), // not valid: no claim
      tag("selinux-pr-20260101", "2026-01-01T09:00:00Z", "stable-6.19"), // the fixes branch: not after v6.19
      {
        ...tag("selinux-pr-20260209", "2026-02-09T09:00:00Z", "stable-7.0"),
        mergedUpstream: { mergeCommit: "m", at: null },
      },
    ],
  });
  assert.deepEqual(named(facts, memory({ versionOverride: "7.0", done: ["create-branch:stable-6.20"] })), [
    "7.0 ← `/merge-window version 7.0`",
    "7.0 ← the branch `stable-7.0`",
    "7.0 ← the tag `selinux-pr-20260210` (its message names `stable-7.0`)",
  ]);
  assert.deepEqual(named(v619Facts()), [], "the fixes branch of the opening release names no new version");
});

test("one number settles the version: a branch he created, a valid tag, or both with the command", () => {
  const branch = v619Facts({ stableBranches: [stable("stable-7.0", sha("next-tip"), "v6.19")] });
  assert.deepEqual(decide(branch), {
    version: { major: 7, minor: 0 },
    by: "the branch `stable-7.0`",
    conflict: null,
    named: [],
  });
  const tagged = v619Facts({
    stableBranches: [stable("stable-7.0", sha("next-tip"), "v6.19")],
    tags: [tag("selinux-pr-20260210", "2026-02-10T09:00:00Z", "stable-7.0")],
  });
  // The app created stable-7.0 (after a command): the tag alone settles it.
  assert.deepEqual(decide(tagged, memory({ done: ["create-branch:stable-7.0"] })).version, { major: 7, minor: 0 });
  assert.equal(
    decide(tagged, memory({ versionOverride: "7.0" })).by,
    "`/merge-window version 7.0`, the branch `stable-7.0` and " +
      "the tag `selinux-pr-20260210` (its message names `stable-7.0`)",
  );
  assert.deepEqual(decide(v619Facts()), { version: null, by: null, conflict: null, named: [] });
});

test("disagreement is a conflict in plain words, never a guess: branch 7.0 vs tag 6.20, command vs branch", () => {
  const facts = v619Facts({
    stableBranches: [stable("stable-7.0", sha("next-tip"), "v6.19"), stable("stable-6.20", sha("next-tip"), "v6.19")],
    tags: [tag("selinux-pr-20260210", "2026-02-10T09:00:00Z", "stable-6.20")],
  });
  const app = memory({ done: ["create-branch:stable-6.20"] }); // say the app made stable-6.20: the tag still names it
  const decision = decide(facts, app);
  assert.equal(decision.version, null);
  assert.deepEqual(decision.named.map(formatVersionNumber), ["7.0", "6.20"]);
  assert.equal(
    decision.conflict,
    "the next version is not settled, because your own actions disagree: the branch `stable-7.0` says 7.0; " +
      "the tag `selinux-pr-20260210` (its message names `stable-6.20`) says 6.20. merge-window does not pick one " +
      "and creates no stable branch until they agree: delete the branch or tag that is wrong, or comment " +
      "`/merge-window version X.Y` with the right number.",
  );
  const command = decide(
    v619Facts({ stableBranches: [stable("stable-7.0", sha("next-tip"), "v6.19")] }),
    memory({ versionOverride: "6.20" }),
  );
  assert.match(command.conflict ?? "", /`\/merge-window version 6\.20` says 6\.20; the branch `stable-7\.0` says 7\.0/);

  const { situation } = deriveSituation({ facts, memory: app }, settings, new Date(IN_WINDOW));
  assert.deepEqual(
    [
      situation.cycle.targetCertain,
      [situation.cycle.target, ...situation.cycle.targetAlternatives].map(formatVersionNumber),
    ],
    [false, ["6.20", "7.0"]],
  );
});

const tick: MachineEvent = { type: "reconcile", scheduled: true };
const hint: MachineEvent = { type: "reconcile", scheduled: false };

test("the machine: his push of stable-7.0 settles 7.0 (title, checklist, proposal), as the command would", () => {
  const world = new World(v619Facts(), settings);
  world.run(IN_WINDOW, tick);
  world.run("2026-02-10T10:05:00Z", {
    type: "command",
    id: "71",
    issue: 1,
    actor: "pcmoore",
    actorIsBot: false,
    permission: "maintain",
    command: findCommand("/merge-window skip-rebase")!,
  });
  assert.match(world.state.issue!.title, /v6\.20 \(or 7\.0\)/);
  world.change((facts) => ({
    ...facts,
    stableBranches: [...facts.stableBranches, stable("stable-7.0", sha("next-tip"), "v6.19")],
  }));
  const effects = summarize(world.run("2026-02-10T11:00:00Z", hint));
  assert.ok(!effects.some((key) => key.startsWith("create-branch")), effects.join(", "));
  assert.match(world.state.issue!.title, /^merge-window: v7\.0 \(selinux\)$/);
  assert.match(world.state.issue!.body, /^### Window for v7\.0 \(number set by the branch `stable-7\.0`\)$/m);
  assert.match(world.state.issue!.body, /^- ✅ \*\*Copy next to stable-7\.0\*\* \(done\)/m);
  assert.ok(
    effects.some((key) => key.startsWith("propose-tag:stable-7.0@")),
    effects.join(", "),
  );
});

test("the machine: a conflict is shown in the tracking issue and no stable branch is created", () => {
  const world = new World(v619Facts(), settings);
  world.run(IN_WINDOW, tick);
  world.run("2026-02-10T10:05:00Z", {
    type: "command",
    id: "72",
    issue: 1,
    actor: "pcmoore",
    actorIsBot: false,
    permission: "maintain",
    command: findCommand("/merge-window version 6.20")!,
  });
  // The command settled 6.20 and the app would create stable-6.20 once the rebase is settled; he pushes stable-7.0.
  world.change((facts) => ({
    ...facts,
    stableBranches: [...facts.stableBranches, stable("stable-7.0", sha("next-tip"), "v6.19")],
  }));
  const effects = summarize(world.run("2026-02-10T11:00:00Z", hint));
  assert.ok(!effects.some((key) => key.startsWith("create-branch")), effects.join(", "));
  const body = world.state.issue!.body;
  assert.match(body, /^### Window for v6\.20 \(number not settled: see below\)$/m);
  assert.match(
    body,
    new RegExp(
      "^- ⚠️ \\*\\*Which version\\?\\*\\* The next version is not settled, because your own actions disagree: " +
        "`/merge-window version 6\\.20` says 6\\.20; the branch `stable-7\\.0` says 7\\.0\\. ",
      "m",
    ),
  );
  assert.match(world.state.issue!.title, /v6\.20 \(or 7\.0\)/);

  // Another command is one more voice, not a casting vote: the reply says the dispute goes on.
  const again = world.run("2026-02-10T12:00:00Z", {
    type: "command",
    id: "73",
    issue: 1,
    actor: "pcmoore",
    actorIsBot: false,
    permission: "maintain",
    command: findCommand("/merge-window version 6.20")!,
  });
  const reply = again.find((effect) => effect.type === "reply") as { body: string } | undefined;
  assert.match(
    reply?.body ?? "",
    /^@pcmoore recorded that the window after v6\.19 is for v6\.20; but the next version is not settled, because /,
  );
});
