// Collects the facts of a request-pull body from a local repository, asking git itself for the shortlog and the
// diffstat so the rendered body matches `git request-pull <base> <url> tags/<tag>` byte for byte.
import type { RequestPullData } from "../../domain/request-pull.ts";
import { collectRequestPull, type RequestPullRequest } from "./request-pull-facts.ts";
import { createGitRunner, type GitRunnerOptions } from "./runner.ts";

export type { RequestPullRequest } from "./request-pull-facts.ts";

export interface RequestPullSource {
  /** The body's facts; throws InputError for an unsafe or unknown tag/base, a bad URL, or unrelated histories. */
  collect(request: RequestPullRequest): Promise<RequestPullData>;
}

/**
 * A source over the repository in `dir` (git processes: see collectRequestPull), with LC_ALL=C so git's diffstat
 * summary is in English.
 */
export function createRequestPullSource(dir: string, options: GitRunnerOptions = {}): RequestPullSource {
  const git = createGitRunner(dir, { ...options, env: { ...options.env, LC_ALL: "C" } });
  return { collect: (request) => collectRequestPull(git, request) };
}
