// The cycle machine as tables: whole cycles per variant, then commands, pull requests and replays.
import { test } from "node:test";
import assert from "node:assert/strict";
import { defaultConfig, type Config } from "../../../src/config/load.ts";
import { findCommand, type Permission } from "../../../src/domain/commands.ts";
import { emptyMemory, type RepoFacts } from "../../../src/domain/facts.ts";
import type { MachineEvent } from "../../../src/domain/machine/transition.ts";
import { sha, stable, summarize, tag, v68Tags, World } from "./machine-world.ts";

type Step = readonly [
  at: string,
  event: MachineEvent,
  expected: readonly string[],
  change?: (facts: RepoFacts) => RepoFacts,
];

/** A schedule slot: the hourly reconcile (the only kind of run that dispatches the weekly tests). */
const tick: MachineEvent = { type: "reconcile", scheduled: true };
/** A push or a new upstream tag: the same reconcile, without the weekly tests. */
const hint: MachineEvent = { type: "reconcile", scheduled: false };
function command(
  id: string,
  text: string,
  permission: Permission | null = "maintain",
  actor = "pcmoore",
  actorIsBot = false,
): MachineEvent {
  return { type: "command", id, issue: 1, actor, actorIsBot, permission, command: findCommand(text)! };
}
function settingsFor(variant: Config["variant"], extra: Partial<Config> = {}): Config {
  return {
    ...defaultConfig("selinux"),
    variant,
    tests: { workflow: "selinux-testsuite.yml", weekday: "monday" },
    ...extra,
  };
}
function startFacts(source = "next", base = "v6.8-rc1"): RepoFacts {
  return {
    upstreamTags: v68Tags(),
    source: { name: source, sha: sha(`${source}-tip`), base, ahead: 25, foreignMerges: false },
    stableBranches: [],
    tags: [],
  };
}
const pushTag =
  (name: string, at: string, valid = true) =>
  (facts: RepoFacts): RepoFacts => ({ ...facts, tags: [...facts.tags, tag(name, at, "stable-6.9", valid)] });
const mergeTags = (facts: RepoFacts): RepoFacts => ({
  ...facts,
  tags: facts.tags.map((t) =>
    t.check?.valid ? { ...t, mergedUpstream: { mergeCommit: sha("linus-merge"), at: null } } : t,
  ),
});
const badTagCheck = "tag-check:selinux-pr-20240230@" + tag("selinux-pr-20240230", "2024-03-12T20:00:00Z", null).object;
const goodTagCheck = "tag-check:selinux-pr-20240312@" + tag("selinux-pr-20240312", "2024-03-12T20:00:00Z", null).object;

/** Runs a table, comparing each event's effects, then replays every event again: nothing one-shot repeats. */
function runTable(
  variant: Config["variant"],
  steps: readonly Step[],
  facts = startFacts(),
  extra: Partial<Config> = {},
): World {
  const world = new World(facts, settingsFor(variant, extra));
  for (const [at, event, expected, change] of steps) {
    if (change) world.change(change);
    const effects = summarize(world.run(at, event));
    assert.deepEqual(effects, expected, `${variant} at ${at} (${event.type})`);
  }
  const emitted = new Set(world.log.flatMap((entry) => summarize(entry.effects)));
  for (const [at, event] of steps) {
    const again = summarize(world.run(at, event)).filter((effect) => !effect.startsWith("update-tracking-issue"));
    assert.deepEqual(
      again.filter((effect) => emitted.has(effect)),
      [],
      `${variant}: replaying ${event.type} at ${at} repeated an effect`,
    );
  }
  return world;
}

const cycleOpen: Step[] = [
  [
    "2024-01-22T10:00:00Z",
    tick,
    ["open-tracking-issue", "remind:cycle-start", "tests:week-of-2024-01-22", "update-tracking-issue"],
  ],
  ["2024-01-22T11:00:00Z", tick, []],
  ["2024-02-26T10:00:00Z", tick, ["remind:late", "tests:week-of-2024-02-26", "update-tracking-issue"]],
  ["2024-03-04T10:00:00Z", tick, ["remind:window-soon", "tests:week-of-2024-03-04", "update-tracking-issue"]],
];
const windowEnd: Step[] = [
  [
    "2024-03-12T20:01:00Z",
    hint,
    [badTagCheck, "update-tracking-issue"],
    pushTag("selinux-pr-20240230", "2024-03-12T20:00:00Z", false),
  ],
  [
    "2024-03-12T21:01:00Z",
    hint,
    [goodTagCheck, "request-pull:selinux-pr-20240312", "update-tracking-issue"],
    pushTag("selinux-pr-20240312", "2024-03-12T21:00:00Z"),
  ],
  [
    "2024-03-13T04:00:00Z",
    tick,
    ["merged:selinux-pr-20240312", "tests:week-of-2024-03-11", "update-tracking-issue", "close"],
    mergeTags,
  ],
  ["2024-03-14T04:00:00Z", tick, []],
];

test("variant A (seed): rebase decision at window open, stable-6.9 on command, tag, [GIT PULL], merge closes", () => {
  const world = runTable("rebase-at-window-open", [
    ...cycleOpen,
    ["2024-03-11T10:00:00Z", hint, ["advise-rebase:v6.8", "remind:window-open", "update-tracking-issue"]],
    ["2024-03-11T10:30:00Z", command("11", "/merge-window create-stable"), ["reply:11", "update-tracking-issue"]],
    ["2024-03-11T11:00:00Z", command("12", "/merge-window rebase"), ["reply:12", "rebase:12", "update-tracking-issue"]],
    [
      "2024-03-11T11:30:00Z",
      command("13", "/merge-window create-stable"),
      ["reply:13", "create-branch:stable-6.9", "update-tracking-issue"],
    ],
    [
      "2024-03-11T12:00:00Z",
      hint,
      [`propose-tag:stable-6.9@${sha(`${sha("next-tip")}-on-v6.8`)}`, "update-tracking-issue"],
    ],
    ...windowEnd,
  ]);
  const replies = world.log
    .flatMap((entry) => entry.effects)
    .filter((e) => e.type === "reply")
    .map((e) => (e as { body: string }).body);
  assert.match(replies[0]!, /rebase decision is not settled/);
  assert.match(replies[1]!, /rebasing `next` \([0-9a-f]{12}\) onto `v6\.8`/);
  assert.equal(world.state.issue?.open, false);
  assert.match(world.state.issue.body, /Merged upstream\*\* \(done\)/);
});

test("variant B (rc1 rebase): decision at rc1, rebase refused after rc1's week, stable-6.9 made at window open", () => {
  const world = runTable(
    "rebase-at-rc1",
    [
      [
        "2024-01-22T10:00:00Z",
        tick,
        [
          "open-tracking-issue",
          "advise-rebase:v6.8-rc1",
          "remind:cycle-start",
          "remind:rebase-by",
          "tests:week-of-2024-01-22",
          "update-tracking-issue",
        ],
      ],
      ["2024-01-30T10:00:00Z", command("21", "/merge-window rebase"), ["reply:21", "update-tracking-issue"]],
      [
        "2024-01-30T11:00:00Z",
        command("22", "/merge-window skip-rebase", "write"),
        ["reply:22", "update-tracking-issue"],
      ],
      ["2024-02-26T10:00:00Z", tick, ["remind:late", "tests:week-of-2024-02-26", "update-tracking-issue"]],
      ["2024-03-04T10:00:00Z", tick, ["remind:window-soon", "tests:week-of-2024-03-04", "update-tracking-issue"]],
      ["2024-03-11T10:00:00Z", hint, ["create-branch:stable-6.9", "remind:window-open", "update-tracking-issue"]],
      ["2024-03-11T10:05:00Z", hint, [`propose-tag:stable-6.9@${sha("next-tip")}`, "update-tracking-issue"]],
      ...windowEnd,
    ],
    startFacts("next", "v6.7"),
    { automation: { ...defaultConfig("selinux").automation, createStable: "auto" } },
  );
  const replies = world.log
    .flatMap((entry) => entry.effects)
    .filter((e) => e.type === "reply")
    .map((e) => (e as { body: string }).body);
  assert.match(replies[0]!, /refused: rebases are allowed only until -rc1/);
  assert.match(replies[1]!, /recorded: `next` is not rebased this cycle/);
});

test("variant C (dev model): dev is the source, stable-6.9 copied from dev on command; write is not enough", () => {
  const world = runTable(
    "dev-model",
    [
      [
        "2024-01-22T10:00:00Z",
        tick,
        ["open-tracking-issue", "remind:cycle-start", "tests:week-of-2024-01-22", "update-tracking-issue"],
      ],
      ["2024-03-11T10:00:00Z", hint, ["remind:window-open", "update-tracking-issue"]],
      [
        "2024-03-11T10:10:00Z",
        command("31", "/merge-window create-stable", "write", "contributor"),
        ["reply:31:denied:contributor", "update-tracking-issue"],
      ],
      [
        "2024-03-11T10:20:00Z",
        command("32", "/merge-window create-stable"),
        ["reply:32", "create-branch:stable-6.9", "update-tracking-issue"],
      ],
      ["2024-03-11T10:30:00Z", hint, [`propose-tag:stable-6.9@${sha("dev-tip")}`, "update-tracking-issue"]],
      ...windowEnd,
    ],
    startFacts("dev", "v6.8-rc1"),
  );
  const effects = world.log.flatMap((entry) => entry.effects);
  const denial = effects.find((e) => e.type === "reply" && e.key === "reply:31:denied:contributor") as { body: string };
  assert.match(denial.body, /needs maintain permission on this repository; yours is write\. Nothing was done\./);
  assert.deepEqual(
    effects.filter((e) => e.type === "create-branch"),
    [{ type: "create-branch", key: "create-branch:stable-6.9", name: "stable-6.9", sha: sha("dev-tip") }],
  );
  assert.match(world.state.issue!.body, /frozen during the merge window/);
});

test("2016 form: stable-6.9 is cut before the window (from -rc6), tagged and sent when it opens", () => {
  runTable("stable-before-window", [
    [
      "2024-01-22T10:00:00Z",
      tick,
      ["open-tracking-issue", "remind:cycle-start", "tests:week-of-2024-01-22", "update-tracking-issue"],
    ],
    ["2024-01-22T11:00:00Z", command("41", "/merge-window skip-rebase"), ["reply:41", "update-tracking-issue"]],
    ["2024-02-19T10:00:00Z", command("42", "/merge-window create-stable"), ["reply:42", "update-tracking-issue"]],
    [
      "2024-02-26T10:00:00Z",
      command("43", "/merge-window create-stable"),
      ["reply:43", "create-branch:stable-6.9", "remind:late", "update-tracking-issue"],
    ],
    [
      "2024-03-11T10:00:00Z",
      hint,
      [`propose-tag:stable-6.9@${sha("next-tip")}`, "remind:window-open", "update-tracking-issue"],
    ],
    ...windowEnd,
  ]);
});

/** v6.19's cycle (rc1 2025-12-14 … release 2026-02-08): the window after it was for 7.0, not 6.20. */
function v619Facts(): RepoFacts {
  const rc1 = Date.parse("2025-12-14T22:00:00Z");
  const tags = Array.from({ length: 8 }, (_, i) => ({
    name: `v6.19-rc${i + 1}`,
    date: new Date(rc1 + i * 7 * 86_400_000),
  }));
  return {
    ...startFacts("next", "v6.19-rc1"),
    upstreamTags: [...tags, { name: "v6.19", date: new Date("2026-02-08T22:00:00Z") }],
  };
}

test("an unsettled version number blocks stable-X.Y until a maintainer settles it: never stable-6.20 by guess", () => {
  const world = new World(
    v619Facts(),
    settingsFor("rebase-at-window-open", {
      automation: { ...defaultConfig("selinux").automation, createStable: "auto" },
    }),
  );
  world.run("2026-02-09T10:00:00Z", command("51", "/merge-window skip-rebase"));
  const before = world.run("2026-02-09T11:00:00Z", command("52", "/merge-window create-stable"));
  assert.ok(!summarize(before).some((e) => e.startsWith("create-branch")));
  assert.match((before.find((e) => e.type === "reply") as { body: string }).body, /not settled \(6\.20 or 7\.0\)/);
  assert.match(world.state.issue!.title, /v6\.20 \(or 7\.0\)/);
  const settled = world.run("2026-02-09T12:00:00Z", command("53", "/merge-window version 7.0", "write"));
  assert.deepEqual(
    summarize(settled).filter((e) => e.startsWith("create-branch")),
    ["create-branch:stable-7.0"],
  );
  assert.match(world.state.issue!.title, /^merge-window: v7\.0 \(selinux\)$/);
});

test("commands: bots ignored, duplicates do nothing, unknown ones get one reply, unknown permission denied", () => {
  const world = new World(startFacts(), settingsFor("rebase-at-window-open"));
  world.run("2024-03-11T10:00:00Z", tick);
  assert.deepEqual(
    summarize(
      world.run("2024-03-11T10:01:00Z", command("61", "/merge-window rebase", "admin", "merge-window[bot]", true)),
    ),
    [],
  );
  const unknown = world.run("2024-03-11T10:02:00Z", command("62", "/merge-window rebsae"));
  assert.deepEqual(summarize(unknown), ["reply:62", "update-tracking-issue"]);
  assert.match((unknown[0] as { body: string }).body, /unknown command `rebsae`.*help/);
  assert.deepEqual(summarize(world.run("2024-03-11T10:02:00Z", command("62", "/merge-window rebsae"))), []);
  const unverified = world.run("2024-03-11T10:03:00Z", command("63", "/merge-window rebase", null));
  assert.match((unverified[0] as { body: string }).body, /could not be verified\. Nothing was done/);
  assert.ok(!summarize(unverified).some((e) => e.startsWith("rebase:")));
  const help = world.run("2024-03-11T10:04:00Z", command("64", "/merge-window help", "write"));
  assert.match((help[0] as { body: string }).body, /\/merge-window create-stable/);
});

test("rebase safety decided before any git: foreign merges and an existing stable branch refuse", () => {
  const facts = startFacts();
  const world = new World(
    { ...facts, source: { ...facts.source!, foreignMerges: true } },
    settingsFor("rebase-at-window-open"),
  );
  const refused = world.run("2024-03-11T10:00:00Z", command("71", "/merge-window rebase"));
  assert.ok(!summarize(refused).some((e) => e.startsWith("rebase:") || e.startsWith("advise-rebase")));
  assert.match((refused.find((e) => e.type === "reply") as { body: string }).body, /merges of others' history/);
});

test("automation.rebase auto: early decision → rebase on day 1, a command's not redone, none after `until`", () => {
  const auto = (variant: Config["variant"]) =>
    settingsFor(variant, { automation: { ...defaultConfig("selinux").automation, rebase: "auto" } });
  const rebases = (effects: ReturnType<World["run"]>) => summarize(effects).filter((key) => key.startsWith("rebase:"));

  const early = new World(startFacts("next", "v6.7"), auto("rebase-at-window-open"));
  assert.deepEqual(rebases(early.run("2024-03-04T10:00:00Z", command("81", "/merge-window rebase"))), []);
  assert.deepEqual(rebases(early.run("2024-03-11T10:00:00Z", hint)), ["rebase:auto:v6.8"]);

  const inWindow = new World(startFacts("next", "v6.7"), auto("rebase-at-window-open"));
  inWindow.run("2024-03-11T10:00:00Z", tick);
  assert.deepEqual(rebases(inWindow.run("2024-03-11T11:00:00Z", command("82", "/merge-window rebase"))), ["rebase:82"]);

  // rebase-at-rc1 allows rebases during -rc1's week only; at -rc2 the step is still due (deadline -rc2) but closed.
  const late = new World(startFacts("next", "v6.7"), auto("rebase-at-rc1"));
  late.state = {
    ...late.state,
    memory: {
      ...emptyMemory("6.8"),
      rebaseDecision: { choice: "rebase", by: "pcmoore", at: "2024-01-22T10:00:00.000Z", sha: sha("next-tip") },
    },
  };
  assert.deepEqual(rebases(late.run("2024-01-30T10:00:00Z", tick)), []);
});

test("/merge-window tag in the window is the automatic proposal: not signed (app) or posted (maintainer) twice", () => {
  const facts = { ...startFacts("next", "v6.8"), stableBranches: [stable("stable-6.9", sha("next-tip"), "v6.8")] };
  const signed = new World(
    facts,
    settingsFor("rebase-at-window-open", { signing: { ...defaultConfig("selinux").signing, mode: "app" } }),
  );
  const effects = signed.run("2024-03-12T10:00:00Z", command("91", "/merge-window tag"));
  assert.deepEqual(
    effects.filter((e) => e.type === "create-tag").map((e) => (e as { name: string }).name),
    ["selinux-pr-20240312"],
  );

  const proposed = new World(facts, settingsFor("rebase-at-window-open"));
  const replied = proposed.run("2024-03-12T10:00:00Z", command("92", "/merge-window tag"));
  assert.match(
    (replied.find((e) => e.type === "reply") as { body: string }).body,
    /git tag -s -m 'selinux\/stable-6\.9 PR 20240312' selinux-pr-20240312/,
  );
  assert.ok(!summarize(replied).some((key) => key.startsWith("propose-tag:")));
  assert.ok(!summarize(proposed.run("2024-03-12T11:00:00Z", tick)).some((key) => key.startsWith("propose-tag:")));
  proposed.change((f) => ({ ...f, stableBranches: [stable("stable-6.9", sha("fix-on-stable"), "v6.8")] }));
  assert.deepEqual(
    summarize(proposed.run("2024-03-12T12:00:00Z", tick)).filter((key) => key.startsWith("propose-tag:")),
    [`propose-tag:stable-6.9@${sha("fix-on-stable")}`],
  );
});

test("pull requests into next: fixes get a retarget hint during rcs, large ones are deferred late, each once", () => {
  const world = new World(
    {
      ...startFacts(),
      stableBranches: [
        { name: "stable-6.8", sha: sha("s68"), base: "v6.8-rc1", unsentCommits: 0, oldestUnsentAt: null },
      ],
    },
    settingsFor("rebase-at-window-open"),
  );
  const pr = (number: number, lines: number, fixesTrailer = false, labels: string[] = []) => ({
    type: "pull-request" as const,
    pr: { number, base: "next", additions: lines, deletions: 0, labels },
    commitMessages: fixesTrailer ? ['selinux: fix a leak\n\nFixes: 0123456789ab ("selinux: x")\n'] : ["selinux: add y"],
  });
  world.run("2024-01-23T10:00:00Z", tick);
  assert.deepEqual(summarize(world.run("2024-01-23T11:00:00Z", pr(7, 10, true))), [
    "retarget:#7",
    "update-tracking-issue",
  ]);
  assert.deepEqual(
    summarize(world.run("2024-01-23T12:00:00Z", pr(8, 5000))),
    [],
    "no deferral before the late threshold",
  );
  world.run("2024-02-26T10:00:00Z", tick);
  assert.deepEqual(summarize(world.run("2024-02-26T11:00:00Z", pr(9, 301))), ["deferred:#9", "update-tracking-issue"]);
  assert.deepEqual(summarize(world.run("2024-02-26T11:00:00Z", pr(9, 301))), []);
  assert.deepEqual(summarize(world.run("2024-02-26T12:00:00Z", pr(10, 300))), [], "at the limit is fine at rc6");
  assert.deepEqual(
    summarize(world.run("2024-03-04T12:00:00Z", pr(11, 151))),
    ["deferred:#11", "remind:window-soon", "update-tracking-issue"],
    "stricter at rc7",
  );
});

test("fixes on stable-6.8 during the rcs: reminder after the delay, then a fixes [GIT PULL] on the last tag", () => {
  const facts: RepoFacts = {
    ...startFacts(),
    stableBranches: [
      {
        name: "stable-6.8",
        sha: sha("s68-fix"),
        base: "v6.8-rc1",
        unsentCommits: 2,
        oldestUnsentAt: new Date("2024-02-01T10:00:00Z"),
      },
    ],
    tags: [
      {
        ...tag("selinux-pr-20240108", "2024-01-08T20:00:00Z", "stable-6.8"),
        mergedUpstream: { mergeCommit: sha("m1"), at: null },
      },
    ],
  };
  const world = new World(facts, settingsFor("rebase-at-window-open"));
  assert.ok(
    !summarize(world.run("2024-02-03T10:00:00Z", tick)).some((e) => e.startsWith("fixes:")),
    "not before fixesReminderDays",
  );
  assert.ok(summarize(world.run("2024-02-05T10:00:00Z", tick)).includes(`fixes:stable-6.8@${sha("s68-fix")}`));
  world.change((f) => ({ ...f, tags: [...f.tags, tag("selinux-pr-20240206", "2024-02-06T10:00:00Z", "stable-6.8")] }));
  const sent = world.run("2024-02-06T10:05:00Z", hint);
  const mail = sent.find((e) => e.type === "post-request-pull");
  assert.deepEqual(mail, {
    type: "post-request-pull",
    key: "request-pull:selinux-pr-20240206",
    tag: "selinux-pr-20240206",
    base: "selinux-pr-20240108",
    kind: "fixes",
    version: "6.8",
  });
});

test("weekly test results are recorded in the checklist", () => {
  const world = new World(startFacts(), settingsFor("rebase-at-window-open"));
  world.run("2024-01-22T10:00:00Z", tick);
  world.run("2024-01-22T14:00:00Z", {
    type: "checks-finished",
    ref: "next",
    sha: sha("next-tip"),
    conclusion: "success",
    url: "https://example.test/runs/1",
  });
  assert.match(
    world.state.issue!.body,
    /`next` @ [0-9a-f]{12}: success \(2024-01-22, https:\/\/example\.test\/runs\/1\)/,
  );
});

test("status says what to do next, in one sentence", async () => {
  const { deriveNextAction } = await import("../../../src/domain/next-action.ts");
  const world = new World(startFacts(), settingsFor("rebase-at-window-open"));
  const sentence = (at: string) => {
    world.run(at, tick);
    return deriveNextAction(world.lastView!.cycle, world.lastView!.steps);
  };
  assert.match(
    sentence("2024-01-22T10:00:00Z"),
    new RegExp(
      /^Keep merging patches into next for the v6\.9 window; next: decide whether to rebase next onto /.source +
        /v6\.8 .* from window day 1\.$/.source,
    ),
  );
  assert.match(sentence("2024-03-11T10:00:00Z"), /^Decide whether to rebase next onto v6\.8 .*\(by window day 3\)\.$/);
  assert.match(sentence("2024-03-15T10:00:00Z"), /overdue: was due by window day 3/);
});
