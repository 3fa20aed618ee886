// The reply budget per thread, counted from the app's own replies: one denial per person an hour, ten replies an hour.
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  DENIALS_PER_THREAD_PER_HOUR,
  REPLIES_PER_THREAD_PER_HOUR,
  replyBudgetExceeded,
  replyKey,
} from "../../src/domain/reply-budget.ts";

const NOW = new Date("2024-01-22T10:00:00Z");
const minutesAgo = (minutes: number) => new Date(NOW.getTime() - minutes * 60_000).toISOString();

test("a denial's key differs from an answer's", () => {
  assert.equal(replyKey("42", "answer", "pcmoore"), "reply:42");
  assert.equal(replyKey("42", "denial", "outsider"), "reply:42:denied:outsider");
});

test("one denial per person per thread per hour; answers and other people are not held back by it", () => {
  assert.equal(DENIALS_PER_THREAD_PER_HOUR, 1);
  const denied = [{ key: "reply:1:denied:eve", at: minutesAgo(59) }];
  assert.match(replyBudgetExceeded(denied, "denial", "eve", NOW) ?? "", /eve was already denied/);
  assert.equal(replyBudgetExceeded(denied, "denial", "mallory", NOW), null, "another person");
  assert.equal(replyBudgetExceeded(denied, "answer", "eve", NOW), null);
  const hourAgo = [{ key: "reply:1:denied:eve", at: minutesAgo(61) }];
  assert.equal(replyBudgetExceeded(hourAgo, "denial", "eve", NOW), null, "an hour on");
  const answered = [{ key: "reply:1", at: minutesAgo(1) }];
  assert.equal(replyBudgetExceeded(answered, "denial", "eve", NOW), null, "answers are not denials");
});

test("at most ten replies of any kind per thread per hour", () => {
  const replies = (count: number, minutes: number) =>
    Array.from({ length: count }, (_, i) => ({ key: `reply:${i}`, at: minutesAgo(minutes) }));
  assert.equal(REPLIES_PER_THREAD_PER_HOUR, 10);
  assert.equal(replyBudgetExceeded(replies(9, 10), "answer", "eve", NOW), null);
  assert.match(replyBudgetExceeded(replies(10, 10), "answer", "eve", NOW) ?? "", /10 replies in this thread/);
  assert.match(replyBudgetExceeded(replies(10, 10), "denial", "eve", NOW) ?? "", /10 replies/);
  assert.equal(replyBudgetExceeded(replies(10, 61), "answer", "eve", NOW), null, "older replies do not count");
  assert.notEqual(replyBudgetExceeded(replies(10, -5), "answer", "eve", NOW), null, "a reply dated ahead counts");
});
