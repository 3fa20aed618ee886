// The cycle's checklist: each step of the variant with its state, derived from facts and memory alone.
import type { CycleView } from "./cycle.ts";
import type { Memory, RepoFacts, TagFacts } from "./facts.ts";
import { renderText } from "./markdown.ts";
import { describePoint, hasPassed, hasReached, type StepDefinition, type StepId } from "./process.ts";

export type StepState = "done" | "skipped" | "waiting" | "due" | "overdue" | "blocked";

export interface StepStatus {
  readonly id: StepId;
  /** The step's title naming this cycle's stable branch (`Copy next to stable-6.9`). */
  readonly title: string;
  readonly state: StepState;
  /** One line of evidence or what is awaited (`stable-6.9 at 1a2b3c4`, `due by window day 3`). */
  readonly detail: string;
}

/** The valid tag that carries this cycle's window pull request: newest valid tag naming `stable-T`. */
export function findWindowTag(cycle: CycleView, facts: RepoFacts): TagFacts | null {
  return newestValidTagOn(cycle.stableBranch, facts);
}

/** The newest (by tagger date) tag whose check passed and whose message names `branch`. */
export function newestValidTagOn(branch: string, facts: RepoFacts): TagFacts | null {
  const tags = facts.tags.filter((tag) => tag.stableBranch === branch && tag.check?.valid === true);
  return tags.sort((a, b) => (a.taggerDate?.getTime() ?? 0) - (b.taggerDate?.getTime() ?? 0)).at(-1) ?? null;
}

type Evidence = { state: "done" | "skipped"; detail: string } | null;

/** The facts every step's evidence is read from, looked up once per derivation. */
interface Known {
  readonly source: RepoFacts["source"];
  readonly stable: RepoFacts["stableBranches"][number] | undefined;
  readonly onTarget: boolean;
  readonly tag: TagFacts | null;
}

function evidenceFor(id: StepId, cycle: CycleView, memory: Memory, known: Known): Evidence {
  const { source, stable, onTarget, tag } = known;
  switch (id) {
    case "rebase-decision":
      if (memory.rebaseDecision)
        return {
          state: "done",
          detail: `${memory.rebaseDecision.choice} (by ${renderText(`@${memory.rebaseDecision.by}`)})`,
        };
      if (source?.foreignMerges && !onTarget)
        return {
          state: "skipped",
          detail: `${cycle.sourceBranch} holds merges of others' history and cannot be rebased`,
        };
      if (onTarget) return { state: "done", detail: `${cycle.sourceBranch} is already based on ${cycle.rebaseOnto}` };
      if (stable) return { state: "skipped", detail: `${cycle.stableBranch} exists` };
      return null;
    case "rebase":
      if (onTarget) return { state: "done", detail: `${cycle.sourceBranch} is based on ${cycle.rebaseOnto}` };
      if (source?.foreignMerges) return { state: "skipped", detail: "not possible: merges of others' history" };
      if (memory.rebaseDecision?.choice === "skip") return { state: "skipped", detail: "no rebase this cycle" };
      if (stable) return { state: "skipped", detail: `${cycle.stableBranch} was created without a rebase` };
      return null;
    case "create-stable":
      return stable ? { state: "done", detail: `${stable.name} at ${stable.sha.slice(0, 12)}` } : null;
    case "tag":
      return tag ? { state: "done", detail: `${tag.name} (valid)` } : null;
    case "request-pull":
      if (tag && memory.done.includes(`request-pull:${tag.name}`))
        return { state: "done", detail: `[GIT PULL] for ${tag.name} posted` };
      if (tag?.mergedUpstream) return { state: "done", detail: `${tag.name} was sent` };
      return null;
    case "merged":
      return tag?.mergedUpstream
        ? { state: "done", detail: `merged as ${tag.mergedUpstream.mergeCommit.slice(0, 12)}` }
        : null;
  }
}

/**
 * What of memory deriveSteps reads (the rebase decision, whether the window tag's mail was posted), as a key:
 * the same key gives the same steps. Kept beside evidenceFor, which must read nothing else from memory.
 */
export function stepMemoryKey(cycle: CycleView, facts: RepoFacts, memory: Memory): string {
  const tag = findWindowTag(cycle, facts);
  return JSON.stringify([memory.rebaseDecision, tag !== null && memory.done.includes(`request-pull:${tag.name}`)]);
}

/** Every step of the cycle's process with its state, in process order. */
export function deriveSteps(cycle: CycleView, facts: RepoFacts, memory: Memory): StepStatus[] {
  const known: Known = {
    source: facts.source,
    stable: facts.stableBranches.find((branch) => branch.name === cycle.stableBranch),
    onTarget: facts.source?.base === cycle.rebaseOnto,
    tag: findWindowTag(cycle, facts),
  };
  const statuses = new Map<StepId, StepStatus>();
  for (const step of cycle.process.steps) {
    const evidence = evidenceFor(step.id, cycle, memory, known);
    statuses.set(
      step.id,
      evidence ? { id: step.id, title: titleOf(step, cycle), ...evidence } : pendingStatus(step, cycle, statuses),
    );
  }
  return [...statuses.values()];
}

/** The process names the branch `stable-X.Y`; the checklist names the configured one (`stable-6.9`). */
function titleOf(step: StepDefinition, cycle: CycleView): string {
  return step.title.replace("stable-X.Y", cycle.stableBranch);
}

function pendingStatus(step: StepDefinition, cycle: CycleView, earlier: Map<StepId, StepStatus>): StepStatus {
  const base = { id: step.id, title: titleOf(step, cycle) };
  const unmet = step.requires.filter((id) => !isComplete(earlier.get(id)));
  if (!hasReached(step.due, cycle.where))
    return { ...base, state: "waiting", detail: `from ${describePoint(step.due)}` };
  if (step.deadline && hasPassed(step.deadline, cycle.where)) {
    return { ...base, state: "overdue", detail: `was due by ${describePoint(step.deadline)}` };
  }
  if (unmet.length > 0) return { ...base, state: "blocked", detail: `needs ${unmet.join(", ")}` };
  return { ...base, state: "due", detail: step.deadline ? `by ${describePoint(step.deadline)}` : "now" };
}

export function isComplete(status: StepStatus | undefined): boolean {
  return status?.state === "done" || status?.state === "skipped";
}
