// Scenario 28 (part): a tag re-pointed or replaced after validation. Checks are keyed by the tag object, so the new
// object is checked again (the check run turns to failure), and a tag whose [GIT PULL] mail was written is said,
// loudly and once, to have changed. Through the machine (the git side of odd targets is not covered here).
import { test } from "node:test";
import assert from "node:assert/strict";
import { defaultConfig } from "../../src/config/load.ts";
import type { RepoFacts } from "../../src/domain/facts.ts";
import { sha, stable, summarize, tag, v68Tags, World } from "../domain/machine/machine-world.ts";

const NAME = "selinux-pr-20240312";

test("a mailed tag replaced by another tag object on the same commit is checked again and flagged loudly", () => {
  const facts: RepoFacts = {
    upstreamTags: v68Tags(),
    source: { name: "next", sha: sha("next-tip"), base: "v6.8", ahead: 25, foreignMerges: false },
    stableBranches: [stable("stable-6.9", sha("next-tip"), "v6.8")],
    tags: [tag(NAME, "2024-03-12T20:00:00Z", "stable-6.9")],
  };
  const world = new World(facts, { ...defaultConfig("selinux"), variant: "rebase-at-window-open" });
  const first = world.run("2024-03-12T21:00:00Z", { type: "reconcile", scheduled: true });
  const original = world.facts.tags[0]!;
  assert.ok(summarize(first).includes(`tag-check:${NAME}@${original.object}`));
  assert.ok(summarize(first).includes(`request-pull:${NAME}`), "the mail is written for the valid tag");
  assert.deepEqual(
    summarize(world.run("2024-03-12T22:00:00Z", { type: "reconcile", scheduled: true })).filter(
      (k) => k !== "update-tracking-issue",
    ),
    [],
  );

  // Force-pushed: an unsigned tag object of the same name on the same commit.
  const replaced = {
    ...original,
    object: sha("unsigned-replacement"),
    check: { valid: false, problems: [{ code: "unsigned", message: "the tag is not signed" }] },
  };
  world.change((f) => ({ ...f, tags: [replaced] }));
  const effects = world.run("2024-03-12T23:00:00Z", { type: "reconcile", scheduled: true });
  const check = effects.find((effect) => effect.type === "report-tag-check");
  assert.deepEqual(
    check && [check.key, check.sha, check.valid],
    [`tag-check:${NAME}@${replaced.object}`, original.sha, false],
    "checked again: the same check run (name, commit) turns to failure",
  );
  const warning = effects.find((effect) => effect.type === "comment" && effect.key.startsWith("tag-changed:"));
  assert.ok(warning && warning.type === "comment");
  assert.match(warning.body, /The tag `selinux-pr-20240312` named in the \[GIT PULL\] mail has changed/);
  assert.match(warning.body, /invalid now \(unsigned\)/);
  assert.ok(!summarize(effects).some((key) => key.startsWith("request-pull:")), "no second mail");
  assert.deepEqual(
    summarize(world.run("2024-03-13T00:00:00Z", { type: "reconcile", scheduled: true })).filter(
      (k) => k !== "update-tracking-issue",
    ),
    [],
    "said once",
  );
});
