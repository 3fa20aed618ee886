// The tracking issue's title and body (the cycle's live checklist) and its hidden, versioned metadata block.
import type { UpstreamCalendar } from "./calendar.ts";
import type { CycleView } from "./cycle.ts";
import type { Memory, RepoFacts } from "./facts.ts";
import { renderTemplate } from "./names.ts";
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
    return `merge window, day ${upstream.windowDay} (${when}); -rc1 expected ${upstream.expected.windowClose} (${early}…${late})`;
  }
  const odds = upstream.expected.releaseOdds
    .map((o) => `rc${o.lastRc} last: ${Math.round(o.probability * 100)}%`)
    .join(", ");
  return `${upstream.phase === "late" ? "late in the cycle" : "development"}, -rc${upstream.rc} (${when}); release expected ${upstream.expected.release} (${odds})`;
}

/** The whole body: checklist, tags, fixes, tests, then the metadata block. Kept under GitHub's limit. */
export function renderBody(input: {
  cycle: CycleView;
  upstream: UpstreamCalendar;
  steps: readonly StepStatus[];
  facts: RepoFacts;
  memory: Memory;
  settings: MachineSettings;
}): string {
  const { cycle, upstream, steps, facts, memory, settings } = input;
  const lines = [
    TRACKING_MARKER,
    `**Upstream:** ${describeUpstream(upstream)}`,
    `**Process:** \`${cycle.process.variant}\`: ${cycle.process.summary}`,
    "",
    `### Window for v${formatVersionNumber(cycle.target)}${cycle.targetCertain ? "" : " (number not settled: `/merge-window version X.Y`)"}`,
    ...steps.map((step) => `- ${ICON[step.state]} **${step.title}**: ${step.state}, ${step.detail}`),
    ...cycle.process.notes.map((note) => `- ℹ️ ${note}`),
  ];
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
            : `invalid: ${tag.check.problems.map((p) => p.code).join(", ")}`;
      const merged = tag.mergedUpstream ? `, merged upstream as ${tag.mergedUpstream.mergeCommit.slice(0, 12)}` : "";
      lines.push(
        `- \`${tag.name}\` → ${tag.sha.slice(0, 12)}${tag.stableBranch ? ` on ${tag.stableBranch}` : ""}: ${verdict}${merged}`,
      );
    }
  }
  const fixes = facts.stableBranches.find((branch) => branch.name === cycle.fixesBranch);
  if (fixes) {
    lines.push("", `### Fixes for v${cycle.openingRelease}-rcN (${fixes.name})`);
    lines.push(
      fixes.unsentCommits === 0
        ? "- nothing unsent"
        : `- ${fixes.unsentCommits} commit(s) not covered by a sent tag (oldest ${fixes.oldestUnsentAt?.toISOString().slice(0, 10) ?? "?"})`,
    );
  }
  if (memory.tests.length > 0) {
    lines.push("", "### Weekly tests");
    for (const run of memory.tests)
      lines.push(`- \`${run.ref}\` @ ${run.sha.slice(0, 12)}: ${run.conclusion} (${run.at.slice(0, 10)}, ${run.url})`);
  }
  lines.push(
    "",
    `<sub>Maintained by merge-window for ${settings.subsystem}; edits to this body are overwritten. Commands: \`/merge-window help\`.</sub>`,
  );
  return fitBody(lines.join("\n"), renderMeta(memory));
}

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
