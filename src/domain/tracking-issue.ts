// The tracking issue's title and body (the cycle's live checklist) and its hidden, versioned metadata block.
import type { UpstreamCalendar } from "./calendar.ts";
import type { CycleView } from "./cycle.ts";
import type { Memory, RepoFacts } from "./facts.ts";
import { renderCode, renderText } from "./markdown.ts";
import { renderTemplate } from "./names.ts";
import { renderTimeline } from "./timeline.ts";
import type { MachineSettings } from "./settings.ts";
import type { StepState, StepStatus } from "./steps.ts";
import { formatVersionNumber } from "./version.ts";

/** The tracking issue as read back from GitHub. `trusted`: authored by this app, so its markers count. */
export interface TrackingIssue {
  readonly number: number;
  readonly title: string;
  readonly body: string;
  readonly open: boolean;
  readonly trusted: boolean;
}

export const TRACKING_MARKER = "<!-- merge-window:tracking -->";
const META = /<!-- merge-window:meta v1 ([A-Za-z0-9+/=]+) -->/;
/** GitHub refuses issue and comment bodies longer than this. */
export const MAX_BODY = 65_536;

const ICON: Record<StepState, string> = {
  done: "✅",
  skipped: "➖",
  waiting: "⏳",
  due: "👉",
  overdue: "⚠️",
  blocked: "⛔",
};
/** Every state in plain words (the codes stay in the metadata and check runs). */
const WORDS: Record<StepState, string> = {
  done: "done",
  skipped: "not needed",
  waiting: "not yet",
  due: "to do now",
  overdue: "late",
  blocked: "waiting on an earlier step",
};
const ORDER: readonly StepState[] = ["due", "overdue", "done", "waiting", "blocked", "skipped"];

export function renderTitle(cycle: CycleView, settings: MachineSettings): string {
  const version =
    formatVersionNumber(cycle.target) +
    (cycle.targetCertain ? "" : ` (or ${cycle.targetAlternatives.map(formatVersionNumber).join(", ")})`);
  return renderTemplate(settings.trackingIssue.titleTemplate, { version, subsystem: settings.subsystem });
}

export function describeUpstream(upstream: UpstreamCalendar): string {
  const when = `${upstream.latest.name} tagged ${upstream.latest.date.toISOString().slice(0, 10)}`;
  if (upstream.phase === "merge-window") {
    const [early, late] = upstream.expected.windowCloseRange;
    return (
      `merge window, day ${upstream.windowDay} (${when}); -rc1 expected ${upstream.expected.windowClose} ` +
      `(${early}…${late})`
    );
  }
  const odds = upstream.expected.releaseOdds
    .map((o) => `rc${o.lastRc} last: ${Math.round(o.probability * 100)}%`)
    .join(", ");
  const phase = upstream.phase === "late" ? "late in the cycle" : "development";
  return `${phase}, -rc${upstream.rc} (${when}); release expected ${upstream.expected.release} (${odds})`;
}

/** The whole body: checklist, tags, fixes, tests, then the metadata block. Kept under GitHub's limit. */
export function renderBody(input: {
  cycle: CycleView;
  upstream: UpstreamCalendar;
  steps: readonly StepStatus[];
  facts: RepoFacts;
  memory: Memory;
  settings: MachineSettings;
  /** When the body is rendered: "last updated" and today on the timeline (absent: neither is shown). */
  now?: Date;
}): string {
  const { cycle, upstream, steps, facts, memory, settings, now } = input;
  const lines = [
    TRACKING_MARKER,
    `**Upstream:** ${describeUpstream(upstream)}`,
    `**Process:** \`${cycle.process.variant}\`: ${cycle.process.summary}`,
    "",
    `### Window for v${formatVersionNumber(cycle.target)}${describeTarget(cycle)}`,
    ...(cycle.versionConflict ? [`- ⚠️ **Which version?** ${capitalize(cycle.versionConflict)}`] : []),
    ...steps.map((step) => {
      const detail = step.detail === "now" ? "" : `: ${step.detail}`;
      return `- ${ICON[step.state]} **${step.title}** (${WORDS[step.state]})${detail}`;
    }),
    ...cycle.process.notes.map((note) => `- ℹ️ ${note}`),
    "",
    `<sub>${ORDER.map((state) => `${ICON[state]} ${WORDS[state]}`).join(" · ")}</sub>`,
  ];
  if (now) lines.push("", "### Timeline", "", renderTimeline({ cycle, upstream, now, timeZone: settings.timeZone }));
  // Tags still in play (checked, not merged), and every tag of this window's branch.
  const tags = facts.tags.filter(
    (tag) => (tag.check !== null && !tag.mergedUpstream) || tag.stableBranch === cycle.stableBranch,
  );
  if (tags.length > 0) {
    lines.push("", "### Tags");
    for (const tag of tags) {
      const verdict =
        tag.check === null
          ? "not checked yet"
          : tag.check.valid
            ? "valid"
            : `not valid: ${tag.check.problems.map((p) => p.message).join("; ")}`;
      const merged = tag.mergedUpstream ? `, merged upstream as ${tag.mergedUpstream.mergeCommit.slice(0, 12)}` : "";
      // Relative links: GitHub shows the body at …/OWNER/REPO/issues/N, so ../ is the repository.
      // A tag of a tree or blob has no check run and no changes to compare: the verdict line says it all.
      const links = tag.target
        ? "no check run: GitHub attaches them to commits"
        : [
            `[check](../commit/${tag.sha}/checks)`,
            `[changes](../compare/${cycle.rebaseOnto}...${encodeURIComponent(tag.name)})`,
          ].join(", ");
      lines.push(
        `- [${renderCode(tag.name)}](../tree/${encodeURIComponent(tag.name)}) ` +
          `→ ${tag.sha.slice(0, 12)}${tag.stableBranch ? ` on ${renderText(tag.stableBranch)}` : ""}: ${verdict}` +
          `${merged} (${links})`,
      );
    }
  }
  const fixes = facts.stableBranches.find((branch) => branch.name === cycle.fixesBranch);
  if (fixes) {
    lines.push("", `### Fixes for v${cycle.openingRelease}-rcN (${fixes.name})`);
    lines.push(
      fixes.unsentCommits === 0
        ? "- nothing unsent"
        : `- ${fixes.unsentCommits} commit(s) not covered by a sent tag ` +
            `(oldest ${fixes.oldestUnsentAt?.toISOString().slice(0, 10) ?? "?"})`,
    );
  }
  if (memory.tests.length > 0) {
    lines.push("", "### Weekly tests");
    for (const run of memory.tests)
      lines.push(
        `- ${renderCode(run.ref)} @ ${run.sha.slice(0, 12)}: ${renderText(run.conclusion)} ` +
          `(${run.at.slice(0, 10)}, ${renderText(run.url)})`,
      );
  }
  const updated = now ? ` Last updated ${formatStamp(now, settings.timeZone)}.` : "";
  lines.push(
    "",
    `<sub>Maintained by merge-window for ${settings.subsystem}; edits to this body are overwritten. Commands: ` +
      `\`/merge-window help\`.${updated}</sub>`,
  );
  return fitBody(lines.join("\n"), renderMeta(memory));
}

/** After the window's version: who settled it, or that it is not settled yet. */
function describeTarget(cycle: CycleView): string {
  if (cycle.versionConflict) return " (number not settled: see below)";
  if (!cycle.targetCertain) return " (number not settled: `/merge-window version X.Y`)";
  return cycle.targetSettledBy ? ` (number set by ${cycle.targetSettledBy})` : "";
}

const capitalize = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

/** Keeps `text + meta` under GitHub's limit, cutting the text (never the metadata) with a note. */
export function fitBody(text: string, trailer = ""): string {
  const note = "\n\n…(truncated: GitHub allows 65,536 characters)";
  const room = MAX_BODY - trailer.length - 2;
  const body = text.length <= room ? text : text.slice(0, room - note.length) + note;
  return trailer ? `${body}\n\n${trailer}` : body;
}

export function renderMeta(memory: Memory): string {
  const bytes = new TextEncoder().encode(JSON.stringify(memory));
  return `<!-- merge-window:meta v1 ${btoa(Array.from(bytes, (byte) => String.fromCharCode(byte)).join(""))} -->`;
}

/** The memory in a body the app authored; null when absent or not understood (never half-trusted). */
export function parseMeta(body: string): Memory | null {
  const match = META.exec(body);
  if (!match) return null;
  try {
    const value = JSON.parse(
      new TextDecoder().decode(Uint8Array.from(atob(match[1]!), (ch) => ch.charCodeAt(0))),
    ) as Partial<Memory> & { cycle?: unknown };
    // Bodies written before the field was renamed call the opening release `cycle`.
    const openingRelease = value.openingRelease ?? value.cycle;
    if (
      value.schema !== 1 ||
      typeof openingRelease !== "string" ||
      !Array.isArray(value.done) ||
      !Array.isArray(value.tests)
    )
      return null;
    return {
      schema: 1,
      openingRelease,
      rebaseDecision: value.rebaseDecision ?? null,
      versionOverride: typeof value.versionOverride === "string" ? value.versionOverride : null,
      done: value.done.filter((key): key is string => typeof key === "string"),
      tests: value.tests,
    };
  } catch {
    return null;
  }
}

/** `2024-03-12 10:00 UTC` (or the configured zone's abbreviation or offset). */
export function formatStamp(instant: Date, timeZone: string): string {
  const parts = new Intl.DateTimeFormat("en-GB", {
    timeZone,
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
    timeZoneName: "short",
  }).formatToParts(instant);
  const get = (type: string) => parts.find((part) => part.type === type)?.value ?? "";
  return `${get("year")}-${get("month")}-${get("day")} ${get("hour")}:${get("minute")} ${get("timeZoneName")}`;
}

/** The body without what changes with the clock alone (the update stamp): equal means nothing worth an edit. */
export function withoutStamps(body: string): string {
  return body.replace(/ Last updated [^<]*\.<\/sub>/, "</sub>").replace(/^ {2}Last update :crit, milestone, .*$/m, "");
}
