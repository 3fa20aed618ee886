// The cycle machine: a pure transition(state, event, settings, now) → { state, effects }. State is derived
// from facts on every call; memory records only decisions and one-shot effects, so replays add nothing.
import { deriveCalendar, type UpstreamCalendar } from "../calendar.ts";
import type { ParsedCommand, Permission } from "../commands.ts";
import { deriveCycle, deriveCycleId, type CycleView } from "../cycle.ts";
import type { Effect } from "../effects.ts";
import { emptyMemory, type Memory, type RepoFacts } from "../facts.ts";
import { handleCommand } from "./commands.ts";
import { reconcile } from "./reconcile.ts";
import { handlePullRequest, type PullRequestFacts } from "./pulls.ts";
import type { MachineSettings } from "../settings.ts";
import { deriveSteps, type StepStatus } from "../steps.ts";
import { renderBody, renderTitle, withoutStamps } from "../tracking-issue.ts";

export interface TrackingIssue {
  readonly number: number;
  readonly title: string;
  readonly body: string;
  readonly open: boolean;
}

export interface MachineState {
  readonly facts: RepoFacts;
  /** The memory read from this cycle's tracking issue (null: no issue yet). */
  readonly memory: Memory | null;
  readonly issue: TrackingIssue | null;
}

export type MachineEvent =
  | { readonly type: "tick" }
  | { readonly type: "upstream-tag"; readonly tag: string }
  | { readonly type: "branch-pushed"; readonly branch: string; readonly sha: string }
  | { readonly type: "tag-pushed"; readonly tag: string; readonly sha: string }
  | {
      readonly type: "command";
      /** The comment id: a duplicate delivery of the same comment does nothing. */
      readonly id: string;
      readonly issue: number;
      readonly actor: string;
      readonly actorIsBot: boolean;
      /** Read from the repository permission API when the command runs; null when unknown (fails closed). */
      readonly permission: Permission | null;
      readonly command: ParsedCommand;
    }
  | { readonly type: "pull-request"; readonly pr: PullRequestFacts }
  | {
      readonly type: "checks-finished";
      readonly ref: string;
      readonly sha: string;
      readonly conclusion: string;
      readonly url: string;
    };

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

/** Collects effects, dropping one-shot effects whose key is already in memory, and records new keys. */
export class EffectLog {
  readonly effects: Effect[] = [];
  constructor(public memory: Memory) {}
  has(key: string): boolean {
    return this.memory.done.includes(key);
  }
  /** Marks `key` done without an effect (a handled command, a recorded decision). */
  mark(key: string): void {
    if (!this.has(key)) this.memory = { ...this.memory, done: [...this.memory.done, key] };
  }
  /** Adds a one-shot effect (at `index`, default the end) unless its key was done before. */
  emit(effect: Effect & { key: string }, index = this.effects.length): void {
    if (this.has(effect.key)) return;
    this.effects.splice(index, 0, effect);
    this.mark(effect.key);
  }
  remember(update: Partial<Memory>): void {
    this.memory = { ...this.memory, ...update };
  }
}

export interface Context {
  readonly upstream: UpstreamCalendar;
  readonly cycle: CycleView;
  readonly facts: RepoFacts;
  readonly settings: MachineSettings;
  readonly now: Date;
  readonly log: EffectLog;
}

/** Where the cycle stands now, as the machine sees it, without acting. */
export function deriveView(
  state: MachineState,
  settings: MachineSettings,
  now: Date,
): Transition["view"] & { memory: Memory } {
  const upstream = deriveCalendar(state.facts.upstreamTags, now, {
    timeZone: settings.timeZone,
    lateThreshold: settings.cycle.lateThreshold,
  });
  const id = deriveCycleId(upstream);
  const memory = state.memory?.cycle === id ? state.memory : emptyMemory(id);
  const cycle = deriveCycle(upstream, settings, memory.versionOverride);
  return { upstream, cycle, memory, steps: deriveSteps(cycle, state.facts, memory) };
}

export function transition(state: MachineState, event: MachineEvent, settings: MachineSettings, now: Date): Transition {
  const before = deriveView(state, settings, now);
  // An issue of another cycle is not this cycle's: a new cycle opens its own.
  const issue = state.memory?.cycle === before.cycle.id ? state.issue : null;
  const log = new EffectLog(before.memory);
  const context = (): Context => {
    const cycle = deriveCycle(before.upstream, settings, log.memory.versionOverride);
    return { upstream: before.upstream, cycle, facts: state.facts, settings, now, log };
  };

  if (event.type === "command") handleCommand(event, context());
  if (event.type === "pull-request") handlePullRequest(event.pr, context());
  if (event.type === "checks-finished") {
    const entry = {
      ref: event.ref,
      sha: event.sha,
      conclusion: event.conclusion,
      url: event.url,
      at: now.toISOString(),
    };
    log.remember({ tests: [...log.memory.tests.filter((run) => run.ref !== event.ref), entry] });
  }
  reconcile(context(), event.type === "tick");

  const final = context();
  const steps = deriveSteps(final.cycle, state.facts, log.memory);
  const title = renderTitle(final.cycle, settings);
  const body = renderBody({
    cycle: final.cycle,
    upstream: before.upstream,
    steps,
    facts: state.facts,
    memory: log.memory,
    settings,
    now,
  });
  const effects: Effect[] = [];
  if (!issue) {
    // Opened with the memory as it was: one-shot effects are recorded only after they were applied.
    const opening = renderBody({
      cycle: before.cycle,
      upstream: before.upstream,
      steps: before.steps,
      facts: state.facts,
      memory: before.memory,
      settings,
      now,
    });
    effects.push({ type: "open-tracking-issue", title, body: opening, label: settings.trackingIssue.label });
  }
  effects.push(...log.effects.filter((effect) => effect.type !== "close-tracking-issue"));
  const openingBody = issue?.body ?? (effects[0]?.type === "open-tracking-issue" ? effects[0].body : null);
  // A closed issue (the cycle's pull request merged) is only rewritten when memory changed.
  const quiet = issue !== null && !issue.open && log.memory === before.memory;
  const changed = openingBody === null || withoutStamps(body) !== withoutStamps(openingBody);
  if (!quiet && (changed || (issue && issue.title !== title)))
    effects.push({ type: "update-tracking-issue", title, body });
  effects.push(...log.effects.filter((effect) => effect.type === "close-tracking-issue"));

  const closed = log.effects.some((effect) => effect.type === "close-tracking-issue");
  return {
    state: {
      facts: state.facts,
      memory: log.memory,
      issue: { number: issue?.number ?? 0, title, body, open: closed ? false : (issue?.open ?? true) },
    },
    effects,
    view: { upstream: before.upstream, cycle: final.cycle, steps },
  };
}
