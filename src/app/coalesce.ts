// GitHub sends two webhooks for one push that creates or deletes a ref (`push` and `create`, `push` and
// `delete`); both ask for the same reconcile. A push-kind trigger that finds another of the same repository still
// waiting in the queue joins that run instead of queueing a second one.
import type { Trigger } from "../ports.ts";

type Settle = (ok: boolean) => void;

export interface PushCoalescer {
  /** True when `trigger` joined a waiting push run of `key` (its `settled` is called when that run settles). */
  join(key: string, trigger: Trigger, settled: Settle): boolean;
  /** Marks a push run of `key` as waiting, with its first trigger. */
  wait(key: string, trigger: Trigger, settled: Settle): void;
  /** At the run's start: the trigger to run (one naming a commit wins) and one settle for every joined delivery. */
  take(key: string): { trigger: Trigger; settled: Settle };
}

export function createPushCoalescer(): PushCoalescer {
  const waiting = new Map<string, { trigger: Trigger; settles: Settle[] }>();
  const namesCommit = (trigger: Trigger) => trigger.kind === "push" && /^[0-9a-f]{40,64}$/.test(trigger.sha);
  return {
    join(key, trigger, settled) {
      const run = waiting.get(key);
      if (trigger.kind !== "push" || !run) return false;
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
