// Runs that would do the same work join one waiting run of their repository: GitHub's `push` and `create` for one
// push, the pushes of a burst, and the scheduled jobs' ticks (four at once when an instance catches up at start).
import type { Trigger } from "../ports.ts";
import { BACKUP_CLEANUP_JOB } from "../run.ts";

type Settle = (ok: boolean) => void;

/**
 * The class a trigger coalesces in, or null when it keeps its identity. Every reconcile is the same work (a run
 * observes everything), so ten pushes need one run; a scheduled tick stays apart from a hint (it may dispatch
 * tests or remind), and the backup cleanup from both (it is not the cycle's run); commands, pull requests and
 * workflow runs each carry what only they know.
 */
export function coalescingClass(trigger: Trigger): string | null {
  if (trigger.kind === "push") return "hint";
  if (trigger.kind !== "tick") return null;
  if (trigger.job === BACKUP_CLEANUP_JOB) return BACKUP_CLEANUP_JOB;
  return trigger.upstreamTag === undefined ? "scheduled" : "hint";
}

export interface RunCoalescer {
  /**
   * The key `trigger` coalesces under in repository `repo` (null: it never does); `join` and `wait` take it.
   */
  keyOf(repo: string, trigger: Trigger): string | null;
  /** True when `trigger` joined the run waiting under `key` (its `settled` is called when that run settles). */
  join(key: string, trigger: Trigger, settled: Settle): boolean;
  /** Marks a run waiting under `key`, with its first trigger. */
  wait(key: string, trigger: Trigger, settled: Settle): void;
  /** At the run's start: the trigger to run (one naming a commit wins) and one settle for every joined one. */
  take(key: string): { trigger: Trigger; settled: Settle };
}

export function createRunCoalescer(): RunCoalescer {
  const waiting = new Map<string, { trigger: Trigger; settles: Settle[] }>();
  const namesCommit = (trigger: Trigger) => trigger.kind === "push" && /^[0-9a-f]{40,64}$/.test(trigger.sha);
  return {
    keyOf(repo, trigger) {
      const kind = coalescingClass(trigger);
      return kind === null ? null : `${repo} ${kind}`;
    },
    join(key, trigger, settled) {
      const run = waiting.get(key);
      if (!run) return false;
      // `create` carries no commit; `push` does (the config check run needs it).
      if (!namesCommit(run.trigger) && namesCommit(trigger)) run.trigger = trigger;
      run.settles.push(settled);
      return true;
    },
    wait(key, trigger, settled) {
      waiting.set(key, { trigger, settles: [settled] });
    },
    take(key) {
      const run = waiting.get(key)!;
      waiting.delete(key);
      return { trigger: run.trigger, settled: (ok) => run.settles.forEach((settle) => settle(ok)) };
    },
  };
}
