// A small simulated world for machine tests: facts that effects change the way git and GitHub would.
import type { Effect } from "../../../src/domain/effects.ts";
import type { RepoFacts, StableBranchFacts, TagFacts } from "../../../src/domain/facts.ts";
import {
  transition,
  type MachineEvent,
  type MachineState,
  type Transition,
} from "../../../src/domain/machine/transition.ts";
import type { MachineSettings } from "../../../src/domain/settings.ts";
import { DAY_MS } from "../../../src/domain/time.ts";

/** v6.8's real cycle: rc1 2024-01-21 … rc7 2024-03-03, release 2024-03-10 (the v6.9 window). */
export function v68Tags(): RepoFacts["upstreamTags"] {
  const rc1 = Date.parse("2024-01-21T22:11:32Z");
  const tags = Array.from({ length: 7 }, (_, i) => ({ name: `v6.8-rc${i + 1}`, date: new Date(rc1 + i * 7 * DAY_MS) }));
  return [
    { name: "v6.7", date: new Date("2024-01-07T23:00:00Z") },
    ...tags,
    { name: "v6.8", date: new Date("2024-03-10T21:00:00Z") },
  ];
}

export function sha(seed: string): string {
  let hex = "";
  for (let i = 0; hex.length < 40; i++)
    hex += ((seed.charCodeAt(i % seed.length) * 31 + i * 7) % 256).toString(16).padStart(2, "0");
  return hex.slice(0, 40);
}

export function tag(name: string, taggedAt: string, stableBranch: string | null, valid = true): TagFacts {
  return {
    name,
    sha: sha(`commit-of-${name}`),
    object: sha(`tag-object-of-${name}`),
    taggerDate: new Date(taggedAt),
    stableBranch,
    check: valid
      ? { valid: true, problems: [] }
      : { valid: false, problems: [{ code: "impossible-date", message: `"${name}" carries an impossible date` }] },
    mergedUpstream: null,
  };
}

export function stable(name: string, sourceSha: string, base: string): StableBranchFacts {
  return { name, sha: sourceSha, base, unsentCommits: 0, oldestUnsentAt: null };
}

/** Runs events in order, applying ref-changing effects to the facts as git and GitHub would. */
export class World {
  state: MachineState;
  readonly log: Array<{ at: string; event: MachineEvent["type"]; effects: Effect[] }> = [];
  lastView: Transition["view"] | null = null;
  constructor(
    facts: RepoFacts,
    readonly settings: MachineSettings,
  ) {
    this.state = { facts, memory: null, issue: null };
  }
  get facts(): RepoFacts {
    return this.state.facts;
  }
  change(update: (facts: RepoFacts) => RepoFacts): void {
    this.state = { ...this.state, facts: update(this.state.facts) };
  }
  run(at: string, event: MachineEvent): Effect[] {
    const result = transition(this.state, event, this.settings, new Date(at));
    this.lastView = result.view;
    this.state = {
      ...result.state,
      issue: result.state.issue && { ...result.state.issue, number: this.state.issue?.number ?? 1 },
    };
    for (const effect of result.effects) this.apply(effect);
    this.log.push({ at, event: event.type, effects: [...result.effects] });
    return [...result.effects];
  }
  private apply(effect: Effect): void {
    const facts = this.state.facts;
    if (effect.type === "create-branch") {
      this.change((f) => ({
        ...f,
        stableBranches: [...f.stableBranches, stable(effect.name, effect.sha, facts.source?.base ?? "")],
      }));
    }
    if (effect.type === "rebase" && facts.source) {
      this.change((f) => ({
        ...f,
        source: { ...f.source!, base: effect.onto, sha: sha(`${f.source!.sha}-on-${effect.onto}`) },
      }));
    }
  }
}

/** The key of each one-shot effect (it names the type), else the type: the shape the tables compare. */
export function summarize(effects: readonly Effect[]): string[] {
  return effects.map((effect) => ("key" in effect ? effect.key : effect.type));
}
