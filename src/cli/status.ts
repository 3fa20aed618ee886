// `merge-window status` and `merge-window advise-rebase`: the cycle as the app sees it, and the rebase advice.
import type { CommandArgs } from "./args.ts";
import { parseAtOption } from "./args.ts";
import type { CliIo } from "./io.ts";
import { observeCycle, openSession, type CycleSnapshot } from "./session.ts";
import type { Config } from "../config/load.ts";
import { InputError } from "../domain/errors.ts";
import { currentStable } from "../domain/machine/queries.ts";
import { deriveNextAction } from "../domain/next-action.ts";
import { assertSafeRefName } from "../domain/names.ts";
import type { StepState, StepStatus } from "../domain/steps.ts";
import { describeUpstream } from "../domain/tracking-issue.ts";
import { formatVersionNumber } from "../domain/version.ts";
import { renderAdvice } from "../domain/git-reports.ts";
import { describeStaleUpstream } from "../domain/upstream-age.ts";

/** What `status --json` prints (a superset of the documented contract). */
export interface StatusReport {
  readonly subsystem: string;
  readonly variant: string;
  readonly config: string;
  readonly now: string;
  readonly phase: "development" | "late" | "merge-window";
  readonly upstream: { readonly latest: string; readonly date: string; readonly release: string | null };
  /** The release that opens this cycle's window (`6.8` for the v6.9 window). */
  readonly cycle: string;
  readonly target: string;
  readonly targetCertain: boolean;
  readonly targetAlternatives: readonly string[];
  readonly rc: number | null;
  readonly windowDay: number | null;
  readonly expected: {
    readonly windowClose: string;
    readonly windowCloseRange: readonly [string, string];
    readonly release: string;
  };
  /** The current stable branch that exists: the window's stable-X.Y, or during rcs the one taking fixes; else null. */
  readonly stable: string | null;
  readonly next: {
    readonly branch: string;
    readonly sha: string;
    readonly base: string | null;
    readonly ahead: number;
    readonly foreignMerges: boolean;
  } | null;
  readonly steps: readonly {
    readonly id: string;
    readonly title: string;
    /** `unknown`: the merged step without an upstream master to look in (never reported as overdue then). */
    readonly status: StepState | "unknown";
    readonly detail: string;
  }[];
  readonly nextAction: string;
  /** Where upstream's tags came from: `remote NAME`, or the clone's own tags. */
  readonly upstreamSource: string;
  /** Things that make the report less than certain: a stale upstream, --at beside today's branches. */
  readonly warnings: readonly string[];
}

/** The report for a snapshot (pure). */
export function buildStatusReport(
  snapshot: CycleSnapshot,
  config: Config,
  configSource: string,
  now: Date,
  context: { upstreamSource: string; at: string | undefined } = { upstreamSource: "", at: undefined },
): StatusReport {
  const { upstream, cycle } = snapshot.view;
  const source = snapshot.facts.source;
  const noMaster = snapshot.observation.upstreamHead === null;
  const branch = config.upstream.branch;
  const where = context.upstreamSource.startsWith("the clone") ? "the clone" : context.upstreamSource || "upstream";
  // Without upstream's master nothing says whether the pull was sent and merged: never "overdue", "unknown".
  const unknowable = (step: StepStatus) =>
    noMaster && (step.id === "merged" || (step.id === "request-pull" && step.state === "overdue"));
  const steps = snapshot.view.steps.map((step) =>
    unknowable(step) && step.state !== "done"
      ? {
          ...step,
          state: "unknown" as const,
          detail: `${where} has no ${branch} branch to look in; give --upstream`,
        }
      : step,
  );
  const forAction = snapshot.view.steps.map((step) =>
    unknowable(step) && step.state === "overdue" ? { ...step, state: "due" as const } : step,
  );
  const stale = describeStaleUpstream(upstream.latest, now);
  const warnings = [
    ...(stale ? [stale] : []),
    ...(noMaster
      ? [
          `${where} has tags but no ${branch} branch: whether a pull was merged is ` +
            `unknown (give --upstream REMOTE|URL of a repository with Linus's ${branch})`,
        ]
      : []),
    ...(context.at === undefined
      ? []
      : [`--at ${context.at} places the calendar only: branches, tags and upstream are as the clone has them now`]),
  ];
  return {
    subsystem: config.subsystem,
    variant: config.variant,
    config: configSource,
    now: now.toISOString(),
    phase: upstream.phase,
    upstream: {
      latest: upstream.latest.name,
      date: upstream.latest.date.toISOString(),
      release: upstream.release?.name ?? null,
    },
    cycle: cycle.openingRelease,
    target: formatVersionNumber(cycle.target),
    targetCertain: cycle.targetCertain,
    targetAlternatives: cycle.targetAlternatives.map(formatVersionNumber),
    rc: cycle.where.rc,
    windowDay: cycle.where.windowDay,
    expected: {
      windowClose: upstream.expected.windowClose,
      windowCloseRange: upstream.expected.windowCloseRange,
      release: upstream.expected.release,
    },
    stable: currentStable(snapshot.view),
    next: source && {
      branch: source.name,
      sha: source.sha,
      base: source.base,
      ahead: source.ahead,
      foreignMerges: source.foreignMerges,
    },
    steps: steps.map((step) => ({ id: step.id, title: step.title, status: step.state, detail: step.detail })),
    nextAction: toLocalCommands(deriveNextAction(cycle, forAction)),
    upstreamSource: context.upstreamSource,
    warnings,
  };
}

/** A few lines for a terminal. */
export function renderStatusText(report: StatusReport, snapshot: CycleSnapshot): string {
  const options = [report.target, ...report.targetAlternatives].join(" or ");
  const target = `v${report.target}${report.targetCertain ? "" : ` (not settled: ${options})`}`;
  const next = report.next
    ? `${report.next.branch} on ${report.next.base ?? "no upstream tag"}, ${report.next.ahead} commit(s) ` +
      `ahead${report.next.foreignMerges ? ", with merges of others' history" : ""}`
    : "no next branch";
  const width = Math.max(...report.steps.map((step) => step.id.length));
  return [
    `${report.subsystem} (${report.variant}; ${report.config})`,
    `upstream: ${describeUpstream(snapshot.view.upstream)} (from ${report.upstreamSource})`,
    ...report.warnings.map((warning) => `warning: ${warning}`),
    `window for ${target}; stable branch: ${report.stable ?? "none yet"}; ${next}`,
    ...report.steps.map((step) => `  ${step.id.padEnd(width)}  ${step.status.padEnd(7)}  ${step.detail}`),
    `next: ${report.nextAction}`,
    "",
  ].join("\n");
}

export async function runStatus(args: CommandArgs, io: CliIo): Promise<number> {
  const now = args.values.at === undefined ? io.now() : parseAtOption(args.values.at);
  const session = await openSession(args.values, io);
  const snapshot = await observeCycle(session, now);
  const { upstream } = session;
  const upstreamSource =
    upstream.kind === "remote"
      ? `remote ${upstream.name}`
      : upstream.url === (session.repo.workTree ?? session.repo.gitDir)
        ? "the clone's own v* tags; no remote matches upstream.url or is named upstream/torvalds"
        : upstream.url;
  const context = { upstreamSource, at: args.values.at };
  const report = buildStatusReport(snapshot, session.config, session.configSource, now, context);
  io.stdout(args.values.json ? `${JSON.stringify(report, null, 2)}\n` : renderStatusText(report, snapshot));
  return 0;
}

/**
 * The app's comment commands as the CLI's own (`/merge-window rebase` → `merge-window rebase`); what the CLI does
 * another way is said in words. Every `merge-window <word>` left names a CLI command (tests/cli/hints.test.ts).
 */
const LOCAL_COMMANDS: readonly (readonly [RegExp, string])[] = [
  [
    /`\/merge-window rebase` or `\/merge-window skip-rebase`/g,
    "`merge-window rebase`, or skip the rebase and go on with `merge-window create-stable`",
  ],
  [/\/merge-window rebase or skip-rebase/g, "merge-window rebase; to skip it, go on with merge-window create-stable"],
  [/\/merge-window tag shows the commands/g, "merge-window tag signs it; merge-window tag-name shows the commands"],
  [/\/merge-window request-pull\b/g, "merge-window request-pull TAG --mail"],
  [/comment `\/merge-window version X\.Y` first/g, "upstream's next -rc1 tag settles it (the CLI records no choice)"],
  [/\/merge-window version X\.Y/g, "the CLI records no choice: upstream's next -rc1 tag settles it"],
  [/\/merge-window (rebase|tag|create-stable)\b/g, "merge-window $1"],
];

export function toLocalCommands(text: string): string {
  return LOCAL_COMMANDS.reduce((out, [pattern, replacement]) => out.replace(pattern, replacement), text);
}

/** Refusals that mean the request itself was wrong (a bad --onto, no next branch): exit 2. */
const INPUT_REFUSALS = new Set(["not-a-version-tag", "unknown-upstream-tag", "next-missing"]);

export async function runAdviseRebase(args: CommandArgs, io: CliIo): Promise<number> {
  const now = args.values.at === undefined ? io.now() : parseAtOption(args.values.at);
  const onto = args.values.onto === undefined ? undefined : assertSafeRefName(args.values.onto, "--onto tag");
  const session = await openSession(args.values, io);
  const snapshot = await observeCycle(session, now);
  const { cycle } = snapshot.view;
  const advice = await session.git.adviseRebase({
    onto: onto ?? cycle.rebaseOnto,
    nextBranch: cycle.sourceBranch,
    paths: session.config.upstream.subsystemPaths,
  });
  if (advice.refusal && INPUT_REFUSALS.has(advice.refusal.code))
    throw new InputError(advice.refusal.code, advice.refusal.message);
  io.stdout(
    args.values.json
      ? `${JSON.stringify(advice, null, 2)}\n`
      : `${toLocalCommands(renderAdvice(advice, cycle.sourceBranch))}\n`,
  );
  return 0;
}
