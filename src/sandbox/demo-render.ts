// The demo's text: dated step lines, webhook and checklist summaries, the request table. Pure functions of data.
import type { DeliveryRecord, RequestLogEntry } from "./forge/index.ts";

/** Where a step's actor column starts (after `2024-03-11 09:30  `). */
const ACTOR_COLUMN = 18;

/** `2024-03-11 09:30  maintainer   comments …` */
export function renderStepLine(at: Date, actor: string, title: string): string {
  const stamp = at.toISOString().slice(0, 16).replace("T", " ");
  return `${stamp}  ${actor.padEnd(11)} ${title}`;
}

/** A continuation line under a step: a label column, then the text. */
export function renderDetail(label: string, text: string): string {
  return `${" ".repeat(ACTOR_COLUMN)}${label.padEnd(11)} ${text}`;
}

/** The first non-empty line of a comment, without markdown emphasis, cut at `max` characters. */
export function summarizeComment(body: string, max = 110): string {
  const line =
    body
      .split("\n")
      .map((text) => text.trim())
      .find((text) => text !== "" && !text.startsWith("<!--")) ?? "";
  const plain = line.replace(/\*\*/g, "");
  return plain.length > max ? `${plain.slice(0, max - 1)}…` : plain;
}

/**
 * `push (pcmoore), issue_comment.created (app) ×2`: what the forge sent, grouped, in first-seen order; `app` is
 * the app's own actions coming back (it ignores them).
 */
export function summarizeDeliveries(records: readonly DeliveryRecord[], appLogin = "merge-window[bot]"): string {
  const counts = new Map<string, number>();
  for (const record of records) {
    const login = (record.payload.sender as { login?: string } | undefined)?.login ?? "?";
    const key = `${record.event}${record.action ? `.${record.action}` : ""} (${login === appLogin ? "app" : login})`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return [...counts].map(([key, count]) => (count > 1 ? `${key} ×${count}` : key)).join(", ");
}

const SHORT_NAMES: readonly [RegExp, string][] = [
  [/^Decide/, "decide rebase"],
  [/^Rebase/, "rebase"],
  [/^Signed tag/, "tag"],
  [/stable-/, "stable"],
  [/GIT PULL/, "[GIT PULL]"],
  [/^Merged/, "merged"],
];

/** One line for the checklist (`✅ decide rebase  👉 rebase  ⛔ stable …`); notes (ℹ️) are left out. */
export function renderChecklistLine(items: readonly string[]): string {
  return items
    .filter((item) => !item.startsWith("ℹ️"))
    .map((item) => {
      const [icon = "", ...rest] = item.split(" ");
      const title = rest.join(" ").replace(/:.*$/, "");
      const short = SHORT_NAMES.find(([pattern]) => pattern.test(title))?.[1] ?? title.split(" ").slice(0, 2).join(" ");
      return `${icon} ${short}`;
    })
    .join("  ");
}

/** Requests per route, most used first: `  41  GET  /repos/{owner}/{repo}/issues`. */
export function renderRequestTable(entries: readonly RequestLogEntry[]): string[] {
  const counts = new Map<string, number>();
  for (const entry of entries) {
    const key = `${entry.method.padEnd(6)} ${entry.route ?? entry.path}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return [...counts]
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .map(([key, count]) => `${String(count).padStart(6)}  ${key}`);
}
