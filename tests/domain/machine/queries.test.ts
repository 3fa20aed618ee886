// The read-only queries the CLI and the machine share, and the situation that derives steps once per memory state.
import { test } from "node:test";
import assert from "node:assert/strict";
import { defaultConfig, type Config } from "../../../src/config/load.ts";
import type { RepoFacts } from "../../../src/domain/facts.ts";
import { findCommand } from "../../../src/domain/commands.ts";
import {
  currentStable,
  deriveTagProposal,
  requestPullBase,
  stableRefusal,
} from "../../../src/domain/machine/queries.ts";
import { deriveSituation, updateSituation } from "../../../src/domain/machine/situation.ts";
import { sha, stable, tag, v68Tags, World } from "./machine-world.ts";

const settings: Config = defaultConfig("selinux");
const windowFacts: RepoFacts = {
  upstreamTags: v68Tags(),
  source: { name: "next", sha: sha("next-tip"), base: "v6.8", ahead: 3, foreignMerges: false },
  stableBranches: [stable("stable-6.8", sha("s68"), "v6.8-rc1"), stable("stable-6.9", sha("next-tip"), "v6.8")],
  tags: [
    tag("selinux-pr-20240312", "2024-03-12T09:00:00Z", "stable-6.9"),
    tag("selinux-pr-20240313", "2024-03-13T09:00:00Z", "stable-6.9"),
    tag("selinux-pr-20240201", "2024-02-01T09:00:00Z", "stable-6.8"),
  ],
};

test("current stable branch: the window's during the window, the fixes branch during the rcs, null when absent", () => {
  const inWindow = deriveSituation({ facts: windowFacts, memory: null }, settings, new Date("2024-03-14T10:00:00Z"));
  assert.equal(currentStable(inWindow.situation), "stable-6.9");
  const inRcs = deriveSituation({ facts: windowFacts, memory: null }, settings, new Date("2024-02-05T10:00:00Z"));
  assert.equal(currentStable(inRcs.situation), "stable-6.8");
  const none = { ...windowFacts, stableBranches: [] };
  assert.equal(currentStable(deriveSituation({ facts: none, memory: null }, settings, new Date()).situation), null);
});

test("request-pull base: the previous valid tag on the branch, else the upstream tag the branch was built on", () => {
  const { situation } = deriveSituation({ facts: windowFacts, memory: null }, settings, new Date("2024-03-14T10:00Z"));
  const [first, second] = windowFacts.tags;
  assert.equal(requestPullBase(second!, "stable-6.9", situation), "selinux-pr-20240312");
  assert.equal(requestPullBase(first!, "stable-6.9", situation), "v6.8");
});

test("the CLI's tag proposal is the machine's: same name, message and commit", () => {
  const facts = { ...windowFacts, tags: [] };
  const at = "2024-03-12T10:00:00Z";
  const { situation } = deriveSituation({ facts, memory: null }, settings, new Date(at));
  const proposal = deriveTagProposal(situation)!;
  assert.deepEqual(proposal, {
    branch: "stable-6.9",
    sha: sha("next-tip"),
    name: "selinux-pr-20240312",
    message: "selinux/stable-6.9 PR 20240312",
  });
  const world = new World(facts, settings);
  const reply = world.run(at, {
    type: "command",
    id: "1",
    issue: 1,
    actor: "pcmoore",
    actorIsBot: false,
    permission: "maintain",
    command: findCommand("/merge-window tag")!,
  });
  const body = reply.find((effect) => effect.type === "reply")!;
  assert.ok("body" in body && body.body.includes(`${proposal.name} ${proposal.sha}`), JSON.stringify(body));
});

test("stable-X.Y is refused until the rebase is settled, then allowed: one rule for the command and automation", () => {
  const facts = { ...windowFacts, stableBranches: [], source: { ...windowFacts.source!, base: "v6.8-rc1" } };
  const { situation, memory } = deriveSituation({ facts, memory: null }, settings, new Date("2024-03-11T10:00:00Z"));
  assert.match(stableRefusal(situation)!, /rebase decision is not settled/);
  const decided = updateSituation(situation, {
    ...memory,
    rebaseDecision: { choice: "skip", by: "pcmoore", at: "2024-03-11T10:00:00Z", sha: null },
  });
  assert.equal(stableRefusal(decided), null);
});

test("steps are derived again only when memory changes what they read", () => {
  const { situation, memory } = deriveSituation(
    { facts: windowFacts, memory: null },
    settings,
    new Date("2024-03-14T10:00:00Z"),
  );
  // One-shot keys the checklist does not read: the same situation, steps not derived again.
  const marked = { ...memory, done: [...memory.done, "remind:window-open", "tag-check:x@y", "merged:z"] };
  assert.equal(updateSituation(situation, marked), situation);
  // The window tag's mail posted: the request-pull step is done now.
  const mailed = updateSituation(situation, { ...memory, done: ["request-pull:selinux-pr-20240313"] });
  assert.notEqual(mailed, situation);
  assert.equal(situation.steps.find((step) => step.id === "request-pull")?.state === "done", false);
  assert.equal(mailed.steps.find((step) => step.id === "request-pull")?.state, "done");
  // A version override changes the cycle itself: against the maintainer's own stable-6.9 it is a conflict.
  const overridden = updateSituation(situation, { ...memory, versionOverride: "7.0" });
  assert.notEqual(overridden, situation);
  assert.equal(overridden.cycle.stableBranch, "stable-6.9");
  assert.match(
    overridden.cycle.versionConflict ?? "",
    /version 7\.0` says 7\.0; the branch `stable-6\.9`, .* say 6\.9\./,
  );
  assert.equal(situation.cycle.openingRelease, "6.8");
});

test("the upstream pull request's target and head are decided in the domain and carried by the effect", () => {
  const configured: Config = {
    ...settings,
    pullRequest: { ...settings.pullRequest, openUpstreamPr: { repo: "torvalds/linux", branch: "master" } },
  };
  const world = new World({ ...windowFacts, tags: [windowFacts.tags[0]!] }, configured);
  const effects = world.run("2024-03-12T10:00:00Z", { type: "reconcile", scheduled: false });
  const opened = effects.filter((effect) => effect.type === "open-upstream-pr");
  assert.deepEqual(opened, [
    {
      type: "open-upstream-pr",
      key: "upstream-pr:selinux-pr-20240312",
      tag: "selinux-pr-20240312",
      base: "v6.8",
      version: "6.9",
      head: "stable-6.9",
      repo: "torvalds/linux",
      branch: "master",
    },
  ]);
  const unset = new World({ ...windowFacts, tags: [windowFacts.tags[0]!] }, settings);
  const none = unset.run("2024-03-12T10:00:00Z", { type: "reconcile", scheduled: false });
  assert.deepEqual(
    none.filter((effect) => effect.type === "open-upstream-pr"),
    [],
  );
});
