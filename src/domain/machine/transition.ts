// The cycle machine: a pure transition(state, event, settings, now) → { state, effects }. State is derived
// from facts on every call; memory records only decisions and one-shot effects, so replays add nothing.
// Level-triggered: every event leads to the same reconcile of the whole cycle (see events.ts).
import type { UpstreamCalendar } from "../calendar.ts";
import type { CycleView } from "../cycle.ts";
import type { Effect } from "../effects.ts";
import type { Memory, RepoFacts } from "../facts.ts";
import type { MachineSettings } from "../settings.ts";
import type { StepStatus } from "../steps.ts";
import { renderBody, renderTitle, withoutStamps, type TrackingIssue } from "../tracking-issue.ts";
import { handleCommand } from "./commands.ts";
import type { MachineEvent } from "./events.ts";
import { handlePullRequest } from "./pulls.ts";
import { reconcile } from "./reconcile.ts";
import { deriveSituation, EffectLedger, updateSituation, type Situation } from "./situation.ts";

export type { MachineEvent } from "./events.ts";

export interface MachineState {
  readonly facts: RepoFacts;
  /** The memory read from this cycle's tracking issue (null: no issue yet). */
  readonly memory: Memory | null;
  readonly issue: TrackingIssue | null;
}

export interface Transition {
  readonly state: MachineState;
  readonly effects: readonly Effect[];
  /** What the transition was computed from (for status output and logs). */
  readonly view: {
    readonly upstream: UpstreamCalendar;
    readonly cycle: CycleView;
    readonly steps: readonly StepStatus[];
  };
}

/**
 * A command's effects (from `from` on) depend on it: each key maps to the command's key, so a failure leaves the
 * command unhandled. A lone reply only reports a decision: it waits for the memory write that records it.
 */
function settleCommandEffects(effects: Effect[], from: number, command: string, handledBy: Record<string, string>) {
  const added = effects.slice(from);
  for (const effect of added) if ("key" in effect) handledBy[effect.key] = command;
  const only = added.length === 1 ? added[0] : undefined;
  if (only?.type === "reply") effects[from] = { ...only, afterMemory: true };
}

export function transition(state: MachineState, event: MachineEvent, settings: MachineSettings, now: Date): Transition {
  const before = deriveSituation(state, settings, now);
  // An issue of another cycle is not this cycle's: a new cycle opens its own.
  const issue = state.memory?.openingRelease === before.situation.cycle.openingRelease ? state.issue : null;
  const ledger = new EffectLedger(before.memory);

  // What only this event adds; then the same reconcile as for any other event.
  const handledBy: Record<string, string> = {};
  if (event.type === "command") {
    const from = ledger.effects.length;
    handleCommand(event, before.situation, ledger);
    settleCommandEffects(ledger.effects, from, `command:${event.id}`, handledBy);
  }
  if (event.type === "pull-request") handlePullRequest(event, before.situation, ledger);
  if (event.type === "checks-finished") {
    const entry = {
      ref: event.ref,
      sha: event.sha,
      conclusion: event.conclusion,
      url: event.url,
      at: now.toISOString(),
    };
    ledger.remember({ tests: [...ledger.memory.tests.filter((run) => run.ref !== event.ref), entry] });
  }
  const scheduled = event.type === "reconcile" && event.scheduled;
  const final = reconcile(updateSituation(before.situation, ledger.memory), ledger, scheduled);
  return conclude(state, issue, before, final, ledger, settings, handledBy);
}

/** The tracking issue's effects around the decided ones, and the state after them. */
function conclude(
  state: MachineState,
  issue: TrackingIssue | null,
  before: { situation: Situation; memory: Memory },
  final: Situation,
  ledger: EffectLedger,
  settings: MachineSettings,
  /** Effect key → the command it answers: a failed effect leaves its command unhandled (see settleCommandEffects). */
  handledBy: Readonly<Record<string, string>>,
): Transition {
  const title = renderTitle(final.cycle, settings);
  const body = renderBody({ ...final, memory: ledger.memory });
  const effects: Effect[] = [];
  if (!issue) {
    // Opened with the memory as it was: one-shot effects are recorded only after they were applied.
    const opening = renderBody({ ...before.situation, memory: before.memory });
    effects.push({ type: "open-tracking-issue", title, body: opening, label: settings.trackingIssue.label });
  }
  effects.push(...ledger.effects.filter((effect) => effect.type !== "close-tracking-issue"));
  const openingBody = issue?.body ?? (effects[0]?.type === "open-tracking-issue" ? effects[0].body : null);
  // A closed issue (the cycle's pull request merged) is only rewritten when memory changed.
  const quiet = issue !== null && !issue.open && ledger.memory === before.memory;
  const changed = openingBody === null || withoutStamps(body) !== withoutStamps(openingBody);
  if (!quiet && (changed || (issue && issue.title !== title)))
    effects.push({
      type: "update-tracking-issue",
      title,
      body,
      ...(Object.keys(handledBy).length > 0 ? { handledBy } : {}),
    });
  effects.push(...ledger.effects.filter((effect) => effect.type === "close-tracking-issue"));

  const closed = ledger.effects.some((effect) => effect.type === "close-tracking-issue");
  const open = closed ? false : (issue?.open ?? true);
  return {
    state: {
      facts: state.facts,
      memory: ledger.memory,
      issue: { number: issue?.number ?? 0, title, body, open, trusted: true },
    },
    effects,
    view: { upstream: final.upstream, cycle: final.cycle, steps: final.steps },
  };
}
