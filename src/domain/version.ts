// Kernel version tags (`v6.10`, `v6.10-rc3`, old `v2.6.32.60`): parse, format, order, predict the next.
import { InputError } from "./errors.ts";

/** A mainline version as upstream tags it. `legacy` holds the 3rd/4th numbers of `v2.6.X[.Y]` tags. */
export interface KernelVersion {
  readonly major: number;
  readonly minor: number;
  readonly legacy: readonly number[];
  /** N of `-rcN`; null for a release. */
  readonly rc: number | null;
}

/** The `X.Y` a cycle is named after (`stable-6.9`, `v6.9` window). */
export interface VersionNumber {
  readonly major: number;
  readonly minor: number;
}

const MODERN = /^v([1-9]\d{0,2})\.(0|[1-9]\d{0,2})(?:-rc([1-9]\d?))?$/;
const LEGACY = /^v2\.6\.(0|[1-9]\d{0,2})(?:\.(0|[1-9]\d{0,3}))?(?:-rc([1-9]\d?))?$/;
const NUMBER = /^v?([1-9]\d{0,2})\.(0|[1-9]\d{0,2})$/;

/** Reads `vX.Y`, `vX.Y-rcN`, `v2.6.X`, `v2.6.X.Y`, `v2.6.X-rcN`; anything else is refused, not guessed. */
export function parseVersion(tag: string): KernelVersion {
  const version = tryParseVersion(tag);
  if (!version) {
    throw new InputError(
      "bad-version",
      `${JSON.stringify(tag)} is not a kernel version tag (expected vX.Y or vX.Y-rcN)`,
    );
  }
  return version;
}

/** Like parseVersion, but undefined for shapes that are not mainline version tags. */
export function tryParseVersion(tag: string): KernelVersion | undefined {
  const modern = MODERN.exec(tag);
  if (modern) {
    const major = Number(modern[1]);
    // 2.6 and older only exist in the legacy four-part form (and v2.6.X without the X is not a tag).
    if (major < 3) return undefined;
    return { major, minor: Number(modern[2]), legacy: [], rc: rcOf(modern[3]) };
  }
  const legacy = LEGACY.exec(tag);
  if (legacy) {
    const rest = legacy[2] === undefined ? [Number(legacy[1])] : [Number(legacy[1]), Number(legacy[2])];
    // Stable point releases (v2.6.X.Y) never had release candidates in mainline.
    if (rest.length === 2 && legacy[3] !== undefined) return undefined;
    return { major: 2, minor: 6, legacy: rest, rc: rcOf(legacy[3]) };
  }
  return undefined;
}

function rcOf(text: string | undefined): number | null {
  return text === undefined ? null : Number(text);
}

/** The tag text: formatVersion(parseVersion(x)) === x for every accepted x. */
export function formatVersion(version: KernelVersion): string {
  const numbers = [version.major, version.minor, ...version.legacy].join(".");
  return `v${numbers}${version.rc === null ? "" : `-rc${version.rc}`}`;
}

/** Numeric order: v6.9 < v6.10, v3.1-rc9 < v3.1-rc10 < v3.1, v2.6.39 < v3.0-rc1. */
export function compareVersions(a: KernelVersion, b: KernelVersion): number {
  const left = [a.major, a.minor, ...padLegacy(a)];
  const right = [b.major, b.minor, ...padLegacy(b)];
  for (let i = 0; i < left.length; i++) {
    const diff = (left[i] ?? 0) - (right[i] ?? 0);
    if (diff !== 0) return diff;
  }
  // A release sorts after all of its release candidates.
  return (a.rc ?? Number.POSITIVE_INFINITY) - (b.rc ?? Number.POSITIVE_INFINITY) || 0;
}

function padLegacy(version: KernelVersion): number[] {
  return [version.legacy[0] ?? 0, version.legacy[1] ?? 0];
}

/** `6.9` for v6.9 and v6.9-rc3 (`2.6` for any v2.6.X: the legacy numbers are dropped). */
export function versionNumberOf(version: KernelVersion): VersionNumber {
  return { major: version.major, minor: version.minor };
}

/** `6.9` (no `v`); the text used in `stable-6.9` and tag messages. */
export function formatVersionNumber(number: VersionNumber): string {
  return `${number.major}.${number.minor}`;
}

/** Reads `6.9` or `v6.9` (a maintainer's `/merge-window version 7.0`). */
export function parseVersionNumber(text: string): VersionNumber {
  const match = NUMBER.exec(text.trim());
  if (!match || Number(match[1]) < 3) {
    throw new InputError("bad-version", `${JSON.stringify(text)} is not a version number like 6.9 or 7.0`);
  }
  return { major: Number(match[1]), minor: Number(match[2]) };
}

/** Numeric order of `X.Y` numbers: 6.9 < 6.10 < 7.0. */
export function compareVersionNumbers(a: VersionNumber, b: VersionNumber): number {
  return a.major - b.major || a.minor - b.minor;
}

/** From which minor a major bump is plausible: 2.6.39→3.0, 3.19→4.0, 4.20→5.0, 5.19→6.0, 6.19→7.0. */
export const MAJOR_BUMP_FROM_MINOR = 19;

export interface VersionPrediction {
  /** The number the next merge window is most likely for. */
  readonly version: VersionNumber;
  /** False while a major bump is plausible (an rc1 or a maintainer's override settles it: deriveCycle). */
  readonly certain: boolean;
  /** Other numbers the window may turn out to be for (the major bump). */
  readonly alternatives: readonly VersionNumber[];
}

/**
 * The version the window opened by `release` is for: X.(Y+1), flagged uncertain when a major
 * bump is plausible. A maintainer's override is applied by deriveCycle, on top of this prediction.
 */
export function predictNextVersion(release: KernelVersion): VersionPrediction {
  if (release.major === 2) {
    // 2.6.X tags are read, not produced: only the last one (2.6.39, followed by 3.0) has a successor we name.
    if ((release.legacy[0] ?? 0) < 39) {
      throw new InputError(
        "legacy-version",
        `${formatVersion(release)} is a 2.6-era version; merge-window does not plan its cycles`,
      );
    }
    return { version: { major: 3, minor: 0 }, certain: false, alternatives: [] };
  }
  const next = { major: release.major, minor: release.minor + 1 };
  const bumpPlausible = release.minor >= MAJOR_BUMP_FROM_MINOR;
  return {
    version: next,
    certain: !bumpPlausible,
    alternatives: bumpPlausible ? [{ major: release.major + 1, minor: 0 }] : [],
  };
}
