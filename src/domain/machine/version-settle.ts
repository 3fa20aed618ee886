// Which version the maintainer's own actions settle: his `/merge-window version X.Y`, a `stable-X.Y` branch he
// created, a valid tag whose message names `stable-X.Y`. One number settles it; several are reported, not guessed.
import { versionOfStable, type VersionDecision } from "../cycle.ts";
import type { Memory, RepoFacts } from "../facts.ts";
import { renderCode } from "../markdown.ts";
import type { MachineSettings } from "../settings.ts";
import { compareVersionNumbers, formatVersionNumber, parseVersionNumber, type VersionNumber } from "../version.ts";

/** One action of the maintainer that names a version, in the words the tracking issue uses for it. */
export interface VersionClaim {
  readonly version: VersionNumber;
  readonly words: string;
}

/**
 * What the maintainer's actions say about the version after `base`: his command (kept in memory), each
 * `stable-X.Y` branch newer than `base` that the app did not create itself, and each valid, unmerged tag
 * whose message names such a branch. Oldest evidence first: the command, then branches, then tags.
 */
export function collectVersionClaims(input: {
  readonly base: VersionNumber;
  readonly facts: RepoFacts;
  readonly memory: Memory;
  readonly settings: Pick<MachineSettings, "branches">;
}): VersionClaim[] {
  const { base, facts, memory, settings } = input;
  const after = (branch: string): VersionNumber | null => {
    const version = readVersion(versionOfStable(branch, settings));
    return version && compareVersionNumbers(version, base) > 0 ? version : null;
  };
  const claims: VersionClaim[] = [];
  const command = memory.versionOverride === null ? null : readVersion(memory.versionOverride);
  if (command) claims.push({ version: command, words: renderCode(`/merge-window version ${memory.versionOverride}`) });
  for (const branch of facts.stableBranches) {
    const version = after(branch.name);
    // A branch the app created follows a number already settled; only the maintainer's own branch is a claim.
    if (version && !memory.done.includes(`create-branch:${branch.name}`))
      claims.push({ version, words: `the branch ${renderCode(branch.name)}` });
  }
  for (const tag of facts.tags) {
    if (!tag.check?.valid || tag.mergedUpstream || !tag.stableBranch) continue;
    const version = after(tag.stableBranch);
    if (version)
      claims.push({
        version,
        words: `the tag ${renderCode(tag.name)} (its message names ${renderCode(tag.stableBranch)})`,
      });
  }
  return claims;
}

/** The decision the claims make: one number settles the version; different numbers are a conflict, in plain words. */
export function settleVersion(claims: readonly VersionClaim[]): VersionDecision {
  const groups = new Map<string, { version: VersionNumber; words: string[] }>();
  for (const claim of claims) {
    const key = formatVersionNumber(claim.version);
    const group = groups.get(key) ?? { version: claim.version, words: [] };
    group.words.push(claim.words);
    groups.set(key, group);
  }
  const found = [...groups.values()];
  if (found.length === 0) return { version: null, by: null, conflict: null, named: [] };
  if (found.length === 1)
    return { version: found[0]!.version, by: joinWords(found[0]!.words), conflict: null, named: [] };
  const sayings = found.map(
    (group) =>
      `${joinWords(group.words)} ${group.words.length > 1 ? "say" : "says"} ${formatVersionNumber(group.version)}`,
  );
  return {
    version: null,
    by: null,
    conflict: [
      `the next version is not settled, because your own actions disagree: ${sayings.join("; ")}.`,
      "merge-window does not pick one and creates no stable branch until they agree:",
      "delete the branch or tag that is wrong, or comment `/merge-window version X.Y` with the right number.",
    ].join(" "),
    named: found.map((group) => group.version),
  };
}

/** The decision for a cycle whose opening release is `base` (the one call the machine makes). */
export function decideVersion(input: Parameters<typeof collectVersionClaims>[0]): VersionDecision {
  return settleVersion(collectVersionClaims(input));
}

function readVersion(text: string): VersionNumber | null {
  try {
    return text === "" ? null : parseVersionNumber(text);
  } catch {
    return null;
  }
}

/** `a`, `a and b`, `a, b and c`. */
function joinWords(words: readonly string[]): string {
  if (words.length <= 1) return words[0] ?? "";
  return `${words.slice(0, -1).join(", ")} and ${words.at(-1)}`;
}
