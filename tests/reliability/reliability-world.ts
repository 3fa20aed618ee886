// The reliability tests' world: the replay (real app, sandbox forge, real git) just after v6.8-rc1 with the cycle's
// tracking issue open, a maintainer who comments, and the app's rate-limit waits captured instead of timed.
import { createReplay, OWNER, REPO, type Replay } from "../../src/sandbox/replay.ts";
import type { DeliveryRecord } from "../../src/sandbox/forge/index.ts";
import { findTrackingIssue, listCommentKeys } from "../../src/sandbox/replay-state.ts";
import { parseMeta } from "../../src/domain/tracking-issue.ts";
import type { Memory } from "../../src/domain/facts.ts";

export { OWNER, REPO };

export interface Deferred {
  readonly ms: number;
  readonly job: () => void;
}

export interface ReliabilityWorld {
  readonly replay: Replay;
  /** Runs the app put aside to wait for a rate limit's reset, oldest first (taken by `runDeferred`). */
  readonly deferred: Deferred[];
  readonly issue: number;
  /**
   * The maintainer comments `body` on the tracking issue; then `arm` (faults meant for the app, not the
   * maintainer's own request), then the forge's webhooks are delivered and the app settles.
   */
  comment(body: string, arm?: () => void): Promise<DeliveryRecord[]>;
  /** Runs every deferred job (the clock moved past the wait), then settles. */
  runDeferred(): Promise<void>;
  /** The keys of the app's comments on the tracking issue, in order. */
  commentKeys(): string[];
  memory(): Memory | null;
  body(): string;
  close(): Promise<void>;
}

export async function openReliabilityWorld(): Promise<ReliabilityWorld> {
  const deferred: Deferred[] = [];
  const replay = await createReplay({
    variant: "rebase-at-window-open",
    defer: (ms, job) => void deferred.push({ ms, job }),
  });
  await replay.tick();
  const issue = findTrackingIssue(replay.forge, OWNER, REPO);
  if (!issue) throw new Error("reliability world: the first tick opened no tracking issue");
  const current = () => findTrackingIssue(replay.forge, OWNER, REPO)!;
  return {
    replay,
    deferred,
    issue: issue.number,
    async comment(body, arm) {
      await replay.maintainer.comment(issue.number, body);
      arm?.();
      return replay.settle();
    },
    async runDeferred() {
      for (const entry of deferred.splice(0)) {
        replay.at(new Date(replay.clock.now().getTime() + entry.ms));
        entry.job();
      }
      await replay.settle();
    },
    commentKeys: () => listCommentKeys(current()),
    memory: () => parseMeta(current().body ?? ""),
    body: () => current().body ?? "",
    close: () => replay.close(),
  };
}
