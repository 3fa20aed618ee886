// What the machine decides from: the Situation (the cycle at this moment, read-only) and the EffectLedger it writes.
import { deriveCalendar, type UpstreamCalendar } from "../calendar.ts";
import { deriveCycle, deriveOpeningRelease, type CycleView } from "../cycle.ts";
import type { Effect } from "../effects.ts";
import { emptyMemory, type Memory, type RepoFacts } from "../facts.ts";
import type { MachineSettings } from "../settings.ts";
import { deriveSteps, stepMemoryKey, type StepStatus } from "../steps.ts";
import { versionNumberOf } from "../version.ts";
import { decideVersion } from "./version-settle.ts";

/**
 * The cycle at one moment, as every decision and read-only query sees it (the CLI builds one too). Pure data:
 * it never changes; after memory changed, updateSituation() gives the next one.
 */
export interface Situation {
  readonly upstream: UpstreamCalendar;
  readonly cycle: CycleView;
  readonly facts: RepoFacts;
  readonly settings: MachineSettings;
  readonly now: Date;
  /** The checklist, derived again only when memory changes what it reads (see stepMemoryKey). */
  readonly steps: readonly StepStatus[];
  /** What of memory the cycle and the steps were derived from: equal keys, equal cycle and steps. */
  readonly memoryKey: string;
}

/** The situation for `facts` at `now`, with this cycle's memory (another cycle's memory counts as none). */
export function deriveSituation(
  input: { readonly facts: RepoFacts; readonly memory: Memory | null },
  settings: MachineSettings,
  now: Date,
): { situation: Situation; memory: Memory } {
  const upstream = deriveCalendar(input.facts.upstreamTags, now, {
    timeZone: settings.timeZone,
    lateThreshold: settings.cycle.lateThreshold,
  });
  const opening = deriveOpeningRelease(upstream);
  const memory = input.memory?.openingRelease === opening ? input.memory : emptyMemory(opening);
  const cycle = deriveCycle(upstream, settings, decideFor(upstream, input.facts, memory, settings));
  const situation = { upstream, cycle, facts: input.facts, settings, now, steps: [], memoryKey: "" };
  return { situation: withSteps(situation, memory), memory };
}

/** The situation once memory is `memory`: the cycle and the steps are derived again only if what they read changed. */
export function updateSituation(situation: Situation, memory: Memory): Situation {
  if (memoryKeyOf(situation, memory) === situation.memoryKey) return situation;
  const { upstream, facts, settings } = situation;
  return withSteps(
    { ...situation, cycle: deriveCycle(upstream, settings, decideFor(upstream, facts, memory, settings)) },
    memory,
  );
}

/** What the maintainer's command, branches and tags decide about the version after the opening release. */
function decideFor(upstream: UpstreamCalendar, facts: RepoFacts, memory: Memory, settings: MachineSettings) {
  return decideVersion({ base: versionNumberOf(upstream.latest.version), facts, memory, settings });
}

function memoryKeyOf({ upstream, cycle, facts, settings }: Situation, memory: Memory): string {
  return JSON.stringify([decideFor(upstream, facts, memory, settings), stepMemoryKey(cycle, facts, memory)]);
}

function withSteps(situation: Situation, memory: Memory): Situation {
  const steps = deriveSteps(situation.cycle, situation.facts, memory);
  return { ...situation, steps, memoryKey: memoryKeyOf(situation, memory) };
}

/**
 * Collects the effects a transition decides, dropping one-shot effects whose key is already in memory, and
 * records new keys (and decisions) in the memory it carries.
 */
export class EffectLedger {
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
