// The only push in merge-window, and how it settles a push that failed without a clear answer (README: Reliability).
import type { GitRunner } from "./runner.ts";
import {
  buildPushArgs,
  parsePushPorcelain,
  readRemoteRefs,
  runCapturing,
  type Lease,
  type PushUpdate,
} from "./refs.ts";

/** One ref to update: `sha` null deletes it; the lease is the value it must still have on the remote. */
export interface LeasedUpdate {
  readonly sha: string | null;
  readonly lease: Lease;
}

/** One leased ref as re-read after a failed push (null: the ref is absent). */
export interface RefReading {
  readonly ref: string;
  /** The lease: what the ref was when it was read. */
  readonly expected: string | null;
  /** What the push meant to leave there (null: a deletion). */
  readonly intended: string | null;
  /** What `git ls-remote` found. */
  readonly actual: string | null;
}

export interface PushOutcome {
  readonly ok: boolean;
  readonly updates: readonly PushUpdate[];
  readonly output: string;
  /** Pushes run: 2 when an unclear failure left every ref at its lease and the same push was sent again. */
  readonly attempts: number;
  /** The push reported a failure, but a re-read found every ref at its new value: the server had applied it. */
  readonly confirmedAfterError: boolean;
  /** Not ok, and every ref is known to be still at its lease (refused, or re-read unchanged after the retry). */
  readonly untouched: boolean;
  /** What the last re-read found; null when the push's own answer was clear and nothing was re-read. */
  readonly readings: readonly RefReading[] | null;
  /** Why it failed (the server's refusal, or the re-read state naming every ref's SHAs); null when ok. */
  readonly failure: string | null;
}

/**
 * `git push --atomic` with one explicit `--force-with-lease=<ref>:<sha-or-empty>` per ref (refs.ts buildPushArgs).
 * A failure the server did not answer ref by ref with a refusal (a connection reset, a 5xx, a killed
 * receive-pack, a timeout: the update may or may not have been applied) is settled by re-reading every leased ref
 * with `git ls-remote`: all at their new value is success (`confirmedAfterError`); all still at their lease allows
 * ONE retry of the same push with the same leases; anything else (some moved elsewhere, a mix, an unreadable
 * remote) is a failure naming each ref's expected, intended and actual SHA. A lease is never refreshed.
 */
export async function pushWithLeases(
  git: GitRunner,
  remote: string,
  updates: readonly LeasedUpdate[],
): Promise<PushOutcome> {
  const args = buildPushArgs(remote, updates);
  for (let attempts = 1; ; attempts++) {
    const result = await runCapturing(git, args);
    const parsed = parsePushPorcelain(result.output);
    const base = { updates: parsed, output: result.output, attempts, confirmedAfterError: false };
    if (result.ok && parsed.length > 0 && parsed.every((update) => update.flag !== "!"))
      return { ...base, ok: true, untouched: false, readings: null, failure: null };
    if (isClearRefusal(parsed, updates))
      return { ...base, ok: false, untouched: true, readings: null, failure: describeRefusal(parsed, result.output) };
    const reread = await rereadLeasedRefs(git, remote, updates);
    if (typeof reread === "string") {
      const failure =
        `the push failed (${lastLine(result.output)}) and re-reading ${listRefs(updates)} failed too ` +
        `(${reread}): their state on ${remote} is unknown; not retried`;
      return { ...base, ok: false, untouched: false, readings: null, failure };
    }
    if (reread.every((reading) => reading.actual === reading.intended))
      return { ...base, ok: true, confirmedAfterError: true, untouched: false, readings: reread, failure: null };
    const unchanged = reread.every((reading) => reading.actual === reading.expected);
    if (unchanged && attempts < 2) continue; // nothing was applied: the same push, the same leases
    const failure = unchanged
      ? `the push failed twice (${lastLine(result.output)}); ${describeReadings(reread)}: nothing was changed`
      : `the push failed (${lastLine(result.output)}) and ${remote} is now in neither the old nor the new state: ` +
        `${describeReadings(reread)}; not retried, check by hand`;
    return { ...base, ok: false, untouched: unchanged, readings: reread, failure };
  }
}

/** The server (or git, on a stale lease) refused every ref explicitly: nothing was applied, no re-read needed. */
function isClearRefusal(parsed: readonly PushUpdate[], updates: readonly LeasedUpdate[]): boolean {
  return updates.every(({ lease }) => parsed.some((update) => update.ref === lease.ref && update.flag === "!"));
}

function describeRefusal(parsed: readonly PushUpdate[], output: string): string {
  const remoteLines = output
    .split("\n")
    .filter((line) => line.startsWith("remote: "))
    .map((line) => line.slice("remote: ".length).trim())
    .filter(Boolean);
  const refused = parsed.filter((update) => update.flag === "!").map((update) => `${update.ref} ${update.summary}`);
  return [...refused, ...remoteLines].join("; ");
}

async function rereadLeasedRefs(
  git: GitRunner,
  remote: string,
  updates: readonly LeasedUpdate[],
): Promise<RefReading[] | string> {
  try {
    const found = await readRemoteRefs(
      git,
      remote,
      updates.map(({ lease }) => lease.ref),
    );
    return updates.map(({ sha, lease }) => ({
      ref: lease.ref,
      expected: lease.expect === "" ? null : lease.expect,
      intended: sha,
      actual: found.get(lease.ref) ?? null,
    }));
  } catch (error) {
    return lastLine(error instanceof Error ? error.message : String(error));
  }
}

/** `refs/heads/next: expected 1234abcd5678 (lease), intended 9abc…, actual absent` for each ref. */
export function describeReadings(readings: readonly RefReading[]): string {
  const sha = (value: string | null) => (value === null ? "absent" : value.slice(0, 12));
  return readings
    .map(
      (reading) =>
        `${reading.ref}: expected ${sha(reading.expected)} (lease), intended ${sha(reading.intended)}, ` +
        `actual ${sha(reading.actual)}`,
    )
    .join("; ");
}

function listRefs(updates: readonly LeasedUpdate[]): string {
  return updates.map(({ lease }) => lease.ref).join(", ");
}

function lastLine(text: string): string {
  return (
    text
      .trim()
      .split("\n")
      .filter((line) => line.trim() !== "")
      .at(-1)
      ?.trim() ?? "no output"
  );
}
