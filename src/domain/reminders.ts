// Reminder comments: each tied to the moment it is about, so a late start never posts stale ones,
// and never for a step already done. Keys make each one at most once per cycle.
import { pickMostLikely, type UpstreamCalendar } from "./calendar.ts";
import type { CycleView } from "./cycle.ts";
import { describePoint, hasPassed, hasReached } from "./process.ts";
import type { MachineSettings } from "./settings.ts";
import { isComplete, type StepStatus } from "./steps.ts";
import { formatVersionNumber } from "./version.ts";

export interface Reminder {
  readonly key: string;
  readonly body: string;
}

/** The reminders whose moment is now; the caller drops those already sent. */
export function deriveReminders(input: {
  upstream: UpstreamCalendar;
  cycle: CycleView;
  steps: readonly StepStatus[];
  settings: MachineSettings;
}): Reminder[] {
  const { upstream, cycle, steps, settings } = input;
  const step = (id: StepStatus["id"]) => steps.find((s) => s.id === id);
  const target = `v${formatVersionNumber(cycle.target)}`;
  const source = cycle.sourceBranch;
  const stable = cycle.stableBranch;
  const reminders: Reminder[] = [];
  const { rc, windowDay } = cycle.where;
  const decision = cycle.process.steps.find((s) => s.id === "rebase-decision")!;

  if (rc === 1) {
    const rebaseNow = decision.due.kind === "rc" && !isComplete(step("rebase-decision"));
    reminders.push({
      key: "remind:cycle-start",
      body: [
        `The v${cycle.openingRelease} merge window is closed (v${cycle.openingRelease}-rc1). \`${source}\` ` +
          `now collects patches for the ${target} window.`,
        rebaseNow
          ? `Decide now, before merging patches, whether \`${source}\` needs a rebase onto ` +
            `\`${cycle.rebaseOnto}\` (by ${describePoint(decision.deadline!)}): \`/merge-window rebase\` or ` +
            `\`/merge-window skip-rebase\`.`
          : "",
      ]
        .filter(Boolean)
        .join("\n\n"),
    });
  }
  if (upstream.phase === "late") {
    reminders.push({
      key: "remind:late",
      body:
        `v${cycle.openingRelease}-rc${rc} is out: the cycle is late. Only small patches and critical fixes go ` +
        `into \`${source}\` now; large pull requests are deferred to the next cycle. Release ` +
        `expected ${upstream.expected.release}.`,
    });
  }
  const likelyLast = pickMostLikely(upstream.expected.releaseOdds);
  if (rc !== null && likelyLast.lastRc === rc) {
    const later = upstream.expected.releaseOdds
      .filter((o) => o.lastRc > rc)
      .map((o) => `rc${o.lastRc} ${Math.round(o.probability * 100)}%`);
    reminders.push({
      key: "remind:window-soon",
      body:
        `The ${target} merge window most likely opens on ${upstream.expected.release} (if -rc${rc} is the ` +
        `last; ${later.join(", ") || "nothing later seen"}). merge-window waits for the ` +
        `v${cycle.openingRelease} tag itself.`,
    });
  }
  if (windowDay !== null && windowDay <= settings.cycle.sendByDay) {
    const todo = steps
      .filter((s) => s.state === "due" || s.state === "blocked")
      .map((s) => `- ${s.title}: ${s.detail}`);
    if (todo.length > 0) {
      reminders.push({
        key: "remind:window-open",
        body: [
          `v${cycle.openingRelease} is released: the ${target} merge window is open (day ${windowDay}; -rc1 ` +
            `expected ${upstream.expected.windowClose}).`,
          ...todo,
        ].join("\n"),
      });
    }
  }
  const rebase = cycle.process.rebaseAllowed.until;
  if (hasReached(rebase, cycle.where) && !hasPassed(rebase, cycle.where) && !isComplete(step("rebase"))) {
    reminders.push({
      key: "remind:rebase-by",
      body:
        `A rebase of \`${source}\` must be done by ${describePoint(rebase)}, which is now. ` +
        "`/merge-window rebase` or `/merge-window skip-rebase`.",
    });
  }
  if (windowDay !== null && windowDay >= settings.cycle.sendByDay && !isComplete(step("request-pull"))) {
    const missing = (["create-stable", "tag", "request-pull"] as const).filter((id) => !isComplete(step(id)));
    const names = missing.map((id) =>
      id === "create-stable" ? `\`${stable}\`` : id === "tag" ? "the signed tag" : "the [GIT PULL] request",
    );
    reminders.push({
      key: "remind:send-by",
      body:
        `Window day ${windowDay}: ${names.join(", ")} not done yet; ` +
        `the window likely closes ${upstream.expected.windowClose}.`,
    });
  }
  return reminders;
}
