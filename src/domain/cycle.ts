// The cycle a moment belongs to: the window opened by release P (opening release 6.8 → the v6.9 window), from
// P-rc1 until the next -rc1, with the names of the branches and tags it involves.
import type { UpstreamCalendar } from "./calendar.ts";
import { parseWithTemplate, renderName } from "./names.ts";
import { buildProcess, type ProcessDefinition } from "./process.ts";
import type { MachineSettings } from "./settings.ts";
import {
  compareVersionNumbers,
  formatVersionNumber,
  parseVersionNumber,
  versionNumberOf,
  type VersionNumber,
} from "./version.ts";

export interface CycleView {
  /** `6.8` for the v6.9 window: the release that opens this cycle's window (the cycle's key in memory). */
  readonly openingRelease: string;
  readonly base: VersionNumber;
  /** The version the window is for (settled by rc1 or a maintainer, else predicted). */
  readonly target: VersionNumber;
  readonly targetCertain: boolean;
  readonly targetAlternatives: readonly VersionNumber[];
  /** Which of the maintainer's actions settled the target, in plain words (null: upstream or the prediction). */
  readonly targetSettledBy: string | null;
  /** The maintainer's actions name different versions: what they say, in plain words (the target stays open). */
  readonly versionConflict: string | null;
  readonly where: { readonly rc: number | null; readonly windowDay: number | null };
  readonly process: ProcessDefinition;
  readonly sourceBranch: string;
  /** `stable-6.9`: the branch this cycle copies the source branch to and sends. */
  readonly stableBranch: string;
  /** `stable-6.8` while 6.8's rcs run: where fixes for the current -rcN go (null during the window). */
  readonly fixesBranch: string | null;
  /** The upstream tag a rebase goes onto: `v6.8` or `v6.8-rc1`. */
  readonly rebaseOnto: string;
}

/** `6.8` from v6.8-rc3 and from v6.8 (its window): the release that opens the cycle's window. */
export function deriveOpeningRelease(upstream: UpstreamCalendar): string {
  return formatVersionNumber(versionNumberOf(upstream.latest.version));
}

/** What the maintainer's own actions decide about the version (see machine/version-settle.ts). */
export interface VersionDecision {
  /** The number they settle (null: they say nothing, or disagree). */
  readonly version: VersionNumber | null;
  /** Which actions settled it, in plain words. */
  readonly by: string | null;
  /** They disagree: what each says, in plain words. */
  readonly conflict: string | null;
  /** Every number they name when they disagree. */
  readonly named: readonly VersionNumber[];
}

/**
 * Which cycle `upstream` is in, with the maintainer's decision applied to the target: a `VersionDecision`, or
 * the text of a `/merge-window version X.Y` alone.
 */
export function deriveCycle(
  upstream: UpstreamCalendar,
  settings: MachineSettings,
  decision: VersionDecision | string | null,
): CycleView {
  const inWindow = upstream.phase === "merge-window";
  const base = versionNumberOf(upstream.latest.version);
  const decided: VersionDecision =
    typeof decision === "string"
      ? {
          version: parseVersionNumber(decision),
          by: `\`/merge-window version ${decision}\``,
          conflict: null,
          named: [],
        }
      : (decision ?? { version: null, by: null, conflict: null, named: [] });
  const override = decided.version;
  const target = override ?? upstream.target;
  const alternatives = override
    ? []
    : [...upstream.targetAlternatives, ...decided.named].filter(
        (version, index, all) =>
          compareVersionNumbers(version, target) !== 0 &&
          all.findIndex((other) => compareVersionNumbers(other, version) === 0) === index,
      );
  const definition = buildProcess(settings.variant, settings.cycle);
  const stable = (version: VersionNumber) =>
    renderName(settings.branches.stable, { version: formatVersionNumber(version) }, "branch");
  const opening = deriveOpeningRelease(upstream);
  return {
    openingRelease: opening,
    base,
    target,
    targetCertain: override !== null || (upstream.targetCertain && decided.conflict === null),
    targetAlternatives: alternatives,
    // Said only where it told something: the prediction was open, or the maintainer chose another number.
    targetSettledBy:
      override && (!upstream.targetCertain || compareVersionNumbers(override, upstream.target) !== 0)
        ? decided.by
        : null,
    versionConflict: decided.conflict,
    where: { rc: upstream.rc, windowDay: upstream.windowDay },
    process: definition,
    sourceBranch: sourceBranchOf(settings, definition),
    stableBranch: stable(target),
    fixesBranch: inWindow ? null : stable(base),
    rebaseOnto: definition.rebaseOnto === "release" ? `v${opening}` : `v${opening}-rc1`,
  };
}

/** The configured name of the branch the variant collects the window's patches in (`next`, or `dev`). */
export function sourceBranchOf(
  settings: Pick<MachineSettings, "variant" | "branches" | "cycle">,
  definition: Pick<ProcessDefinition, "sourceBranch"> = buildProcess(settings.variant, settings.cycle),
): string {
  return definition.sourceBranch === "dev" ? settings.branches.dev : settings.branches.next;
}

/** `6.9` for `stable-6.9` under the configured template ("" when the name is not of the family). */
export function versionOfStable(branch: string, settings: Pick<MachineSettings, "branches">): string {
  return parseWithTemplate(settings.branches.stable, branch)?.fields.version ?? "";
}
