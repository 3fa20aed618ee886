// Commands outside the tracking issue (pull requests, other issues) that no run completed: found in GitHub, the
// durable log, by one repository-wide listing when a process first meets the repository and after a failed run.
import { findCommand, type ParsedCommand } from "./domain/commands.ts";
import type { MachineEvent } from "./domain/machine/events.ts";
import { quietKey } from "./domain/machine/commands.ts";
import { parseMeta, type TrackingIssue } from "./domain/tracking-issue.ts";
import type { GitHubPort } from "./ports.ts";
import type { KeyValueStore } from "./adapters/store.ts";

/** How far back the scan looks: a command lost longer ago than this is not run (its author has moved on). */
export const ELSEWHERE_LOOKBACK_DAYS = 7;
const DAY_MS = 86_400_000;

export interface ElsewhereDeps {
  readonly github: GitHubPort;
  readonly owner: string;
  readonly repo: string;
  readonly log: (line: string) => void;
  readonly store?: KeyValueStore;
}

/** A found comment's command as the machine's event: permission and the thread's app replies read now. */
export async function toCommandEvent(
  comment: { readonly id: number; readonly issue: number; readonly actor: string; readonly answered: boolean },
  command: ParsedCommand,
  github: GitHubPort,
): Promise<MachineEvent> {
  return {
    type: "command",
    id: String(comment.id),
    issue: comment.issue,
    actor: comment.actor,
    actorIsBot: false,
    permission: await github.getPermission(comment.actor),
    command,
    answered: comment.answered,
    threadReplies: await github.listAppReplies(comment.issue),
  };
}

/** True in the store once a scan found the commands outside the tracking issue, until a run fails. */
const settledKey = (deps: ElsewhereDeps) => `commands-elsewhere:${deps.owner}/${deps.repo}`;

/**
 * Unanswered commands of the last week in threads other than the cycle's tracking issue, oldest first, as command
 * events (permission read now); nothing when the store says a completed run already scanned since. A comment the
 * app answered is settled whatever memory says (it may belong to an earlier cycle); one recorded as handled but
 * unanswered lost its reply to a crash, and is taken up so the machine answers it. `ownComment` (the trigger's) is
 * left to the trigger. Without a store nothing is scanned: there would be no way to scan only once.
 */
export async function findCommandsElsewhere(
  issue: TrackingIssue | null,
  ownComment: number | null,
  deps: ElsewhereDeps,
  now: Date,
): Promise<MachineEvent[]> {
  const memory = issue ? parseMeta(issue.body) : null;
  if (!issue || !memory || !deps.store) return [];
  if ((await deps.store.get<boolean>(settledKey(deps))) === true) return [];
  const since = new Date(now.getTime() - ELSEWHERE_LOOKBACK_DAYS * DAY_MS);
  const events: MachineEvent[] = [];
  for (const comment of await deps.github.listRecentComments(since)) {
    if (comment.issue === issue.number || comment.id === ownComment) continue;
    if (comment.actorIsBot || comment.answered || memory.done.includes(quietKey(comment.id))) continue;
    const command = findCommand(comment.body);
    if (command === null) continue;
    deps.log(
      `${deps.owner}/${deps.repo}: taking up the unanswered command in comment ${comment.id} on #${comment.issue}`,
    );
    events.push(await toCommandEvent({ ...comment, answered: false }, command, deps.github));
  }
  // Marked now; a run that does not complete takes the mark back (settleCommandsElsewhere).
  await deps.store.set(settledKey(deps), true);
  return events;
}

/**
 * After a run that threw or left an effect failed: the next run scans again, so a command whose run failed is
 * taken up. (A run that completed leaves the mark the scan set, or its absence.)
 */
export async function settleCommandsElsewhere(deps: ElsewhereDeps, completed: boolean): Promise<void> {
  if (!completed) await deps.store?.delete(settledKey(deps));
}
