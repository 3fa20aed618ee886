// How often the app may reply in one thread: one denial per person per hour, and a cap on all replies (no loops).
import type { ThreadReply } from "./machine/events.ts";

/** Replies of any kind the app posts in one thread within an hour; beyond it, commands there wait silently. */
export const REPLIES_PER_THREAD_PER_HOUR = 10;
/** Denials (not permitted, or permission unknown) the app posts to one person in one thread within an hour. */
export const DENIALS_PER_THREAD_PER_HOUR = 1;
const HOUR_MS = 3_600_000;

export type ReplyKind = "answer" | "denial";

/**
 * The marker key of the app's reply to comment `id` by `actor` (a GitHub login): a denial's names it, so that the
 * budget can count each person's denials.
 */
export function replyKey(id: string, kind: ReplyKind, actor: string): string {
  return kind === "denial" ? `reply:${id}:denied:${actor}` : `reply:${id}`;
}

/**
 * Why a reply of `kind` to `actor` must not be posted now in a thread holding `replies`, or null when it may.
 * Replies posted in the hour before `now` count (a reply dated after `now`, a skewed clock, counts too).
 */
export function replyBudgetExceeded(
  replies: readonly ThreadReply[],
  kind: ReplyKind,
  actor: string,
  now: Date,
): string | null {
  const recent = replies.filter((reply) => Date.parse(reply.at) > now.getTime() - HOUR_MS);
  if (recent.length >= REPLIES_PER_THREAD_PER_HOUR)
    return `${recent.length} replies in this thread in the last hour (at most ${REPLIES_PER_THREAD_PER_HOUR})`;
  const denials = recent.filter((reply) => reply.key.endsWith(`:denied:${actor}`)).length;
  if (kind === "denial" && denials >= DENIALS_PER_THREAD_PER_HOUR)
    return `${actor} was already denied in this thread in the last hour`;
  return null;
}
