// Every next-action and command hint the CLI prints names a real CLI command: the next action for each step of
// every variant (due, overdue, waiting), an unsettled version, and the rebase advice, through toLocalCommands.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { isCommandName } from "../../src/cli/args.ts";
import { toLocalCommands } from "../../src/cli/status.ts";
import { defaultConfig } from "../../src/config/load.ts";
import type { CycleView } from "../../src/domain/cycle.ts";
import { renderAdvice } from "../../src/domain/git-reports.ts";
import type { RebaseAdvice } from "../../src/domain/git-results.ts";
import { stableRefusal } from "../../src/domain/machine/queries.ts";
import { deriveNextAction } from "../../src/domain/next-action.ts";
import { buildProcess, VARIANT_IDS } from "../../src/domain/process.ts";
import type { StepStatus } from "../../src/domain/steps.ts";

/** The `merge-window <word>` mentions of a text (not refs/merge-window/…, not .github/merge-window.yml). */
function mentionedCommands(text: string): string[] {
  return [...text.matchAll(/(?<![\w./-])merge-window ([a-z][a-z-]*)/g)].map((match) => match[1]!);
}

function assertCliHints(text: string): void {
  assert.ok(!text.includes("/merge-window "), `a GitHub comment command in the CLI's text: ${text}`);
  assert.ok(!/skip-rebase/.test(text), `skip-rebase is no CLI command: ${text}`);
  for (const word of mentionedCommands(text)) assert.ok(isCommandName(word), `"merge-window ${word}" in: ${text}`);
}

const v = (major: number, minor: number) => ({ major, minor });

function cycleOf(variant: (typeof VARIANT_IDS)[number], certain = true): CycleView {
  return {
    openingRelease: "6.8",
    base: v(6, 8),
    target: v(6, 9),
    targetCertain: certain,
    targetAlternatives: certain ? [] : [v(7, 0)],
    targetSettledBy: null,
    versionConflict: null,
    where: { rc: null, windowDay: 3 },
    process: buildProcess(variant, defaultConfig("selinux").cycle),
    sourceBranch: "next",
    stableBranch: "stable-6.9",
    fixesBranch: null,
    rebaseOnto: "v6.8",
  };
}

describe("the CLI's hints name CLI commands", () => {
  it("the guard itself: it fails on a comment command and on a command the CLI lacks", () => {
    assert.throws(() => assertCliHints("Decide (/merge-window rebase)."));
    assert.throws(() => assertCliHints("run merge-window skip-rebase"));
    assert.throws(() => assertCliHints("run merge-window version 7.0"));
    assertCliHints("see refs/merge-window/backup and .github/merge-window.yml; run merge-window rebase");
  });

  for (const variant of VARIANT_IDS) {
    it(`every step's next action of variant ${variant}, due, overdue and waiting`, () => {
      const cycle = cycleOf(variant);
      const ids = cycle.process.steps.map((step) => step.id);
      assert.ok(ids.length >= 5, ids.join());
      for (const id of ids) {
        for (const state of ["due", "overdue", "waiting"] as const) {
          const step = { id, title: id, state, detail: "was due by window day 7" } as StepStatus;
          const text = toLocalCommands(deriveNextAction(cycle, [step]));
          assertCliHints(text);
        }
      }
    });
  }

  it("a rebase or skip decision names merge-window rebase and merge-window create-stable", () => {
    const cycle = cycleOf("rebase-at-window-open");
    const step = { id: "rebase-decision", title: "", state: "due", detail: "by day 2" } as StepStatus;
    const text = toLocalCommands(deriveNextAction(cycle, [step]));
    assert.match(text, /merge-window rebase; to skip it, go on with merge-window create-stable/);
    const sendStep = { id: "request-pull", title: "", state: "due", detail: "by day 7" } as StepStatus;
    assert.match(toLocalCommands(deriveNextAction(cycle, [sendStep])), /merge-window request-pull TAG --mail/);
  });

  it("an unsettled version number and the stable-branch refusals", () => {
    const cycle = cycleOf("rebase-at-window-open", false);
    const text = toLocalCommands(deriveNextAction(cycle, []));
    assert.match(text, /^Settle the version number first: 6\.9 or 7\.0/);
    assertCliHints(text);
    assertCliHints(toLocalCommands(stableRefusal({ cycle, steps: [] })!));
    assertCliHints(toLocalCommands(stableRefusal({ cycle: cycleOf("rebase-at-window-open"), steps: [] })!));
  });

  it("the rebase advice, refused or with a trial", () => {
    const advice: RebaseAdvice = {
      branch: "next",
      onto: "v6.8",
      base: null,
      behind: 3,
      ownCommits: 2,
      upstreamPathChanges: [],
      refusal: null,
      trial: { clean: true, conflicts: [] },
    } as unknown as RebaseAdvice;
    const text = toLocalCommands(renderAdvice(advice, "next"));
    assert.match(text, /`merge-window rebase`, or skip the rebase and go on with `merge-window create-stable`/);
    assertCliHints(text);
  });
});
