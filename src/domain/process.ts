// The maintainer's process variants (README: "The process variants") as data: which steps a cycle has, when each is
// due, what it needs first, and its deadline. The machine reads these; nothing here decides by itself.

/** The process variants, the seed's first (the default). */
export const VARIANT_IDS = ["rebase-at-window-open", "rebase-at-rc1", "dev-model", "stable-before-window"] as const;
export type VariantId = (typeof VARIANT_IDS)[number];

export type StepId = "rebase-decision" | "rebase" | "create-stable" | "tag" | "request-pull" | "merged";

/**
 * A point of the cycle toward the window opened by release P:
 * `rc` N is P-rcN (the cycle starts at P-rc1); `window-day` k is day k after P's release.
 */
export type CyclePoint =
  { readonly kind: "rc"; readonly rc: number } | { readonly kind: "window-day"; readonly day: number };

export interface StepDefinition {
  readonly id: StepId;
  readonly title: string;
  /** From when the step may be done (and reminded of). */
  readonly due: CyclePoint;
  /** When it should be done by; reminders fire when it is missed. */
  readonly deadline: CyclePoint | null;
  readonly requires: readonly StepId[];
}

export interface ProcessDefinition {
  readonly variant: VariantId;
  readonly summary: string;
  /** The branch that collects the window's patches and is copied to `stable-X.Y`. */
  readonly sourceBranch: "next" | "dev";
  /** What `next`/`dev` is rebased onto: the release that opened the window, or the newest -rc1. */
  readonly rebaseOnto: "release" | "rc1";
  /** When a rebase may be performed (inclusive); outside it the app refuses. */
  readonly rebaseAllowed: { readonly from: CyclePoint; readonly until: CyclePoint };
  /** Advisory notes shown in the checklist (e.g. the dev model's `next` freeze). */
  readonly notes: readonly string[];
  readonly steps: readonly StepDefinition[];
}

/** The numbers a maintainer can tune in `.github/merge-window.yml` (`cycle:`). */
export interface ProcessTimings {
  readonly rebaseByDay: number;
  readonly sendByDay: number;
  readonly rebaseDecisionByRc: number;
  readonly lateThreshold: number;
}

const windowDay = (day: number): CyclePoint => ({ kind: "window-day", day });
const rc = (n: number): CyclePoint => ({ kind: "rc", rc: n });

/** The steps shared by every variant once `stable-X.Y` exists: tag it, send it, see it merged. */
function sendSteps(timings: ProcessTimings): StepDefinition[] {
  return [
    {
      id: "tag",
      title: "Signed tag on stable-X.Y",
      due: windowDay(1),
      deadline: windowDay(timings.sendByDay),
      requires: ["create-stable"],
    },
    {
      id: "request-pull",
      title: "[GIT PULL] request written",
      due: windowDay(1),
      deadline: windowDay(timings.sendByDay),
      requires: ["tag"],
    },
    { id: "merged", title: "Merged upstream", due: windowDay(1), deadline: null, requires: ["request-pull"] },
  ];
}

/** What sets a variant apart; everything else about its steps is shared. */
interface VariantShape {
  readonly summary: string;
  readonly sourceBranch: "next" | "dev";
  /** When the rebase is decided (and allowed): as the window opens, or just after -rc1. */
  readonly rebaseAt: "window-open" | "rc1";
  readonly stable: { readonly title: string; readonly due: CyclePoint; readonly deadline: CyclePoint };
  readonly notes: readonly string[];
}

function shapeOf(variant: VariantId, timings: ProcessTimings): VariantShape {
  const atWindowOpen = { due: windowDay(1), deadline: windowDay(timings.sendByDay) };
  switch (variant) {
    case "rebase-at-window-open":
      return {
        summary: "Decide the rebase when the window opens, then copy next to stable-X.Y, tag and send.",
        sourceBranch: "next",
        rebaseAt: "window-open",
        stable: { title: "Copy next to stable-X.Y", ...atWindowOpen },
        notes: [],
      };
    case "rebase-at-rc1":
      return {
        summary:
          "Rebase decision just after -rc1, before patches are merged; copy next to stable-X.Y, tag and send " +
          "at window open.",
        sourceBranch: "next",
        rebaseAt: "rc1",
        stable: { title: "Copy next to stable-X.Y", ...atWindowOpen },
        notes: [],
      };
    case "dev-model":
      return {
        summary:
          "dev collects the window's patches (based on the newest -rc1); at window open dev is duplicated " +
          "into stable-X.Y, tagged and sent.",
        sourceBranch: "dev",
        rebaseAt: "rc1",
        stable: { title: "Duplicate dev into stable-X.Y", ...atWindowOpen },
        notes: [
          "next is a generated merge of stable-X.Y and dev for linux-next; it is frozen during the merge window.",
          "After -rc6, or with two weeks or less left, only critical fixes go into dev; the rest waits in dev-staging.",
          "When the window closes, stable-X.Y is reset to vX.Y-rc1 by the maintainer (merge-window never " +
            "resets branches).",
        ],
      };
    case "stable-before-window":
      return {
        summary:
          "2016 form: stable-X.Y is cut from next one or two rcs before the window, then tagged and sent when " +
          "it opens.",
        sourceBranch: "next",
        rebaseAt: "rc1",
        stable: {
          title: "Cut stable-X.Y from next before the window",
          due: rc(timings.lateThreshold),
          deadline: windowDay(1),
        },
        notes: [],
      };
  }
}

/** Builds a variant's process with the repository's timings. */
export function buildProcess(variant: VariantId, timings: ProcessTimings): ProcessDefinition {
  const shape = shapeOf(variant, timings);
  const atWindow = shape.rebaseAt === "window-open";
  const rebase = atWindow
    ? {
        due: windowDay(1),
        deadline: windowDay(timings.rebaseByDay),
        allowed: { from: windowDay(1), until: windowDay(timings.rebaseByDay) },
      }
    : {
        due: rc(1),
        deadline: rc(timings.rebaseDecisionByRc),
        allowed: { from: rc(1), until: rc(timings.rebaseDecisionByRc - 1) },
      };
  const source = shape.sourceBranch;
  return {
    variant,
    summary: shape.summary,
    sourceBranch: source,
    rebaseOnto: atWindow ? "release" : "rc1",
    rebaseAllowed: rebase.allowed,
    notes: shape.notes,
    steps: [
      {
        id: "rebase-decision",
        title: `Decide whether to rebase ${source} onto ${atWindow ? "the release" : "-rc1"}`,
        due: rebase.due,
        deadline: rebase.deadline,
        requires: [],
      },
      {
        id: "rebase",
        title: `Rebase ${source} (if decided), ${atWindow ? "very early in the window" : "before merging patches"}`,
        due: rebase.due,
        deadline: rebase.deadline,
        requires: ["rebase-decision"],
      },
      {
        id: "create-stable",
        title: shape.stable.title,
        due: shape.stable.due,
        deadline: shape.stable.deadline,
        requires: ["rebase-decision", "rebase"],
      },
      ...sendSteps(timings),
    ],
  };
}

/**
 * The variants that decide the rebase just after -rc1: for them `cycle.rebaseDecisionByRc` is the decision's
 * deadline (a rebase is allowed until the -rc before it); the others decide it when the window opens.
 */
/** A variant's shape (when it rebases, which branch it collects in) does not depend on the timings: any will do. */
const SHAPE_ONLY: ProcessTimings = { rebaseByDay: 1, sendByDay: 1, rebaseDecisionByRc: 1, lateThreshold: 1 };

export const RC1_DECISION_VARIANTS: readonly VariantId[] = VARIANT_IDS.filter(
  (variant) => shapeOf(variant, SHAPE_ONLY).rebaseAt === "rc1",
);

/** Whether the variant collects the window's patches in `dev` (then `dev` and `devStaging` are its branches). */
export function usesDevBranches(variant: VariantId): boolean {
  return shapeOf(variant, SHAPE_ONLY).sourceBranch === "dev";
}

/** True when `point` has been reached: an rc point once that rc (or the window) is out, a window day from that day. */
export function hasReached(point: CyclePoint, where: { rc: number | null; windowDay: number | null }): boolean {
  if (where.windowDay !== null) return point.kind === "rc" || where.windowDay >= point.day;
  return point.kind === "rc" && where.rc !== null && where.rc >= point.rc;
}

/** True when `point` is over: the next rc (or the window) is out, or the window day is past. */
export function hasPassed(point: CyclePoint, where: { rc: number | null; windowDay: number | null }): boolean {
  if (where.windowDay !== null) return point.kind === "rc" || where.windowDay > point.day;
  return point.kind === "rc" && where.rc !== null && where.rc > point.rc;
}

/** `-rc3`, `window day 3`: for checklists and replies. */
export function describePoint(point: CyclePoint): string {
  return point.kind === "rc" ? `-rc${point.rc}` : `window day ${point.day}`;
}
