// Cross-checks of a replay's outcome against git itself: the [GIT PULL] mail's request-pull part against
// `git request-pull` run on the sandbox's repositories, and refs read back from the forge.
import { assertUpstreamUrl } from "../adapters/git/inputs.ts";
import { createGitRunner } from "../adapters/git/runner.ts";
import { assertSafeRefName } from "../domain/names.ts";
import { extractRequestPull } from "./replay-state.ts";

/** What a posted [GIT PULL] comment says: the tag, the base it was computed from, the URL and the request-pull text. */
export interface MailComment {
  readonly tag: string;
  readonly base: string;
  readonly url: string;
  readonly subject: string;
  readonly requestPull: string;
}

/** Reads the app's [GIT PULL] comment; null when `body` is not one. */
export function parseMailComment(body: string): MailComment | null {
  const head = /^\*\*\[GIT PULL\] for `([^`]+)`\*\* \(base `([^`]+)`\)/.exec(body);
  const requestPull = extractRequestPull(body);
  const url = /are available in the Git repository at:\n\n {2}(\S+)/.exec(requestPull ?? "")?.[1];
  const subject = /^Subject: (.*)$/m.exec(body)?.[1];
  if (!head || !requestPull || !url || !subject) return null;
  return { tag: head[1]!, base: head[2]!, url, subject, requestPull };
}

/**
 * `git request-pull <base> <url> <tag>` in `repoDir` (which has the tag and the base), in the C locale: what a
 * maintainer would paste into the mail. git contacts `url` to find the tag there.
 */
export async function runGitRequestPull(
  repoDir: string,
  input: { base: string; url: string; tag: string },
): Promise<string> {
  const git = createGitRunner(repoDir, { env: { LC_ALL: "C" } });
  // request-pull is a shell script without --end-of-options; every argument passed an allowlist first.
  return git.run([
    "request-pull",
    assertSafeRefName(input.base, "base"),
    assertUpstreamUrl(input.url),
    assertSafeRefName(input.tag, "tag"),
  ]);
}
