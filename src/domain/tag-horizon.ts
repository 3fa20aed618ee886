// Which family tags the cycle still cares about: tags older than the horizon are history (not checked again).
import { DAY_MS } from "./time.ts";

/** About two cycles: an -rc fixes tag of the previous cycle is still in play, older ones are not. */
export const TAG_HORIZON_DAYS = 140;

/** Whether a tag dated `taggedAt` is still checked and looked up upstream at `now` (an undated tag always is). */
export function isTagInPlay(taggedAt: Date | null, now: Date): boolean {
  return (taggedAt?.getTime() ?? now.getTime()) >= now.getTime() - TAG_HORIZON_DAYS * DAY_MS;
}
