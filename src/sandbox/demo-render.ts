// The demo's text: dated step lines, whole comments and the tracking issue as GitHub shows them, webhook and
// checklist summaries, the request table. Pure functions of data.
import { stripHtmlComments } from "../domain/markdown.ts";
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

/** How wide the demo's text runs: comments and the issue body are wrapped to it, never cut. */
export const DEMO_WIDTH = 110;

/** Continuation lines under a step for a whole text: the label on the first line, the rest aligned under it. */
export function renderDetailBlock(label: string, lines: readonly string[]): string[] {
  return lines.map((line, i) => (line.trim() === "" ? "" : renderDetail(i === 0 ? label : "", line).trimEnd()));
}

/** Room for a comment's text under a step: after the label column and the `💬 ` before it. */
export const COMMENT_WIDTH = DEMO_WIDTH - ACTOR_COLUMN - 12 - 3;

/**
 * A comment as GitHub shows it, as lines of at most `width` characters wherever a word allows: hidden HTML
 * comments dropped, emphasis and link targets gone, code blocks kept verbatim (indented), inline code and each
 * word whole (a command is never split or cut).
 */
export function renderComment(body: string, width = COMMENT_WIDTH): string[] {
  const out: string[] = [];
  let fence: string | null = null;
  for (const raw of visibleText(body).split("\n")) {
    const line = raw.trimEnd();
    const marker = /^\s*(`{3,}|~{3,})/.exec(line)?.[1];
    if (fence !== null) {
      if (marker && marker[0] === fence[0] && marker.length >= fence.length && line.trim() === marker) fence = null;
      else out.push(`  ${line}`);
      continue;
    }
    if (marker) {
      fence = marker;
      continue;
    }
    const plain = inlinePlain(line).replace(/^#{1,6}\s+/, "");
    if (plain === "") {
      if (out.length > 0 && out.at(-1) !== "") out.push("");
      continue;
    }
    const item = /^(\s*(?:[-*+]|\d+\.)\s+)/.exec(plain)?.[1] ?? "";
    out.push(
      ...wrapWords(plain.slice(item.length), width - item.length).map(
        (text, i) => (i === 0 ? item : " ".repeat(item.length)) + text,
      ),
    );
  }
  while (out.at(-1) === "") out.pop();
  return out;
}

/**
 * The tracking issue's body as GitHub shows it to a reader, as plain text: headings underlined, the Mermaid
 * timeline as the dated list GitHub draws as a chart, the hidden metadata not shown.
 */
export function renderIssueBody(body: string, width = DEMO_WIDTH): string[] {
  const out: string[] = [];
  const lines = visibleText(body).split("\n");
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trimEnd();
    if (/^```mermaid\s*$/.test(line)) {
      const end = lines.findIndex((text, j) => j > i && /^```\s*$/.test(text));
      out.push(...renderGantt(lines.slice(i + 1, end === -1 ? lines.length : end)));
      i = end === -1 ? lines.length : end;
      continue;
    }
    const heading = /^#{1,6}\s+(.*)$/.exec(line);
    if (heading) {
      const title = inlinePlain(heading[1]!);
      out.push(title, "─".repeat(Math.min(width, title.length)));
      continue;
    }
    out.push(...renderComment(line, width));
    if (line === "" && out.length > 0 && out.at(-1) !== "") out.push("");
  }
  while (out.at(-1) === "") out.pop();
  return out;
}

/** A Mermaid gantt chart as GitHub draws it, told as text: its title, then each section's bars and milestones. */
function renderGantt(lines: readonly string[]): string[] {
  const out: string[] = [];
  for (const raw of lines) {
    const line = raw.trim();
    const title = /^title\s+(.*)$/.exec(line);
    if (title) out.push(`[chart] ${title[1]}`);
    const section = /^section\s+(.*)$/.exec(line);
    if (section) out.push(`  ${section[1]}`);
    const task = /^([^:]+?)\s*:(.*)$/.exec(line);
    if (!task || /^(title|section|dateFormat|axisFormat|todayMarker)\b/.test(line)) continue;
    const fields = task[2]!.split(",").map((field) => field.trim());
    const date = fields.find((field) => /^\d{4}-\d\d-\d\d$/.test(field)) ?? "";
    const days = /^(\d+)d$/.exec(fields.at(-1) ?? "")?.[1];
    const span = fields.includes("milestone") || days === undefined || days === "0" ? "" : ` (${days} days)`;
    out.push(`    ${date}  ${task[1]}${span}`);
  }
  return out;
}

/**
 * What a reader sees of Markdown source: no HTML comments, no `<sub>`, a `<details>` block as its `▸ summary` and
 * its content, entities decoded, no zero-width joiners.
 */
function visibleText(body: string): string {
  return stripHtmlComments(body)
    .replace(/\r\n?/g, "\n")
    .replace(/<\/?sub>/g, "")
    .replace(/<details>\s*<summary>(.*?)<\/summary>/g, "▸ $1")
    .replace(/<\/?details>/g, "")
    .replace(/\u200d/g, "")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&amp;/g, "&");
}

/** Emphasis markers dropped, `[text](target)` shown as its text; inline code keeps its backticks. */
function inlinePlain(line: string): string {
  return line.replace(/\*\*/g, "").replace(/\[([^\]]*)\]\([^)\s]*\)/g, "$1");
}

/** Words (inline code spans whole) filled into lines of at most `width`; a longer word gets a line of its own. */
export function wrapWords(text: string, width: number): string[] {
  const words = text.match(/(?:`[^`\n]*`|[^\s`]|`)+/g) ?? [];
  const lines: string[] = [];
  let current = "";
  for (const word of words) {
    if (current !== "" && current.length + 1 + word.length > width) {
      lines.push(current);
      current = word;
    } else current = current === "" ? word : `${current} ${word}`;
  }
  if (current !== "" || lines.length === 0) lines.push(current);
  return lines;
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
