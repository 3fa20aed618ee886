// Limits on git work for the whole process: how long one git process may run, and how many run at once.
import { availableParallelism } from "node:os";

export interface GitLimits {
  /** fetch, push, clone, ls-remote: a remote that accepts the connection and never answers is given up. */
  networkTimeoutMs: number;
  /** Everything else (rev-list, rebase, verify-tag): local work, shorter. */
  localTimeoutMs: number;
  /** Git processes running at once, across every repository and runner. */
  maxProcesses: number;
}

/** The limits in force; configureGitLimits changes them (at start, from the environment). */
export const GIT_LIMITS: GitLimits = {
  networkTimeoutMs: 3 * 60_000,
  localTimeoutMs: 60_000,
  maxProcesses: Math.max(2, 2 * availableParallelism()),
};

/** Sets any of the limits; each must be a positive whole number. */
export function configureGitLimits(limits: Partial<GitLimits>): void {
  for (const [name, value] of Object.entries(limits)) {
    if (!Number.isInteger(value) || value <= 0) throw new Error(`git limit ${name} must be a positive integer`);
  }
  Object.assign(GIT_LIMITS, limits);
  pump();
}

/**
 * The limits from MERGE_WINDOW_GIT_PROCESSES, MERGE_WINDOW_GIT_NETWORK_TIMEOUT and MERGE_WINDOW_GIT_LOCAL_TIMEOUT
 * (seconds); a value that is not a positive whole number is an error naming the variable.
 */
export function readGitLimits(env: NodeJS.ProcessEnv): Partial<GitLimits> {
  const read = (name: string, scale: number): number | undefined => {
    const text = env[name];
    if (text === undefined || text === "") return undefined;
    if (!/^[1-9][0-9]{0,6}$/.test(text))
      throw new Error(`${name}=${JSON.stringify(text)}: expected a positive whole number`);
    return Number(text) * scale;
  };
  const limits: Partial<GitLimits> = {};
  const processes = read("MERGE_WINDOW_GIT_PROCESSES", 1);
  const network = read("MERGE_WINDOW_GIT_NETWORK_TIMEOUT", 1000);
  const local = read("MERGE_WINDOW_GIT_LOCAL_TIMEOUT", 1000);
  if (processes !== undefined) limits.maxProcesses = processes;
  if (network !== undefined) limits.networkTimeoutMs = network;
  if (local !== undefined) limits.localTimeoutMs = local;
  return limits;
}

let running = 0;
let peak = 0;
const waiting: (() => void)[] = [];

function pump(): void {
  while (running < GIT_LIMITS.maxProcesses && waiting.length > 0) {
    running++;
    peak = Math.max(peak, running);
    waiting.shift()!();
  }
}

/** Waits for a free slot; call the returned function exactly once when the git process has ended. */
export async function acquireGitSlot(): Promise<() => void> {
  await new Promise<void>((resolve) => {
    waiting.push(resolve);
    pump();
  });
  let released = false;
  return () => {
    if (released) return;
    released = true;
    running--;
    pump();
  };
}

/** Git processes running and waiting now, and the most that ever ran at once (for tests and logs). */
export function readGitSlots(): { running: number; waiting: number; peak: number } {
  return { running, waiting: waiting.length, peak };
}
