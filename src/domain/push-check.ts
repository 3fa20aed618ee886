// Whether a remote has what a pull request names: `git request-pull`'s check of `git ls-remote URL`, as pure functions.

/** One line of `git ls-remote`: `<sha>\t<ref>`, `peeled` for the `^{}` lines of annotated tags. */
export interface RemoteRef {
  readonly sha: string;
  readonly ref: string;
  readonly peeled: boolean;
}

export function parseLsRemote(output: string): RemoteRef[] {
  const refs: RemoteRef[] = [];
  for (const line of output.split("\n")) {
    const match = /^([0-9a-f]{40,64})\t([^^\s]+)(\^\{\})?$/.exec(line.trim());
    if (match) refs.push({ sha: match[1]!, ref: match[2]!, peeled: match[3] !== undefined });
  }
  return refs;
}

export interface PushedRequest {
  /** As printed in the warning: the URL given to ls-remote. */
  readonly url: string;
  /** The full local ref, e.g. `refs/tags/selinux-pr-20240312`. */
  readonly head: string;
  /** The name as the request prints it, e.g. `tags/selinux-pr-20240312`. */
  readonly remote: string;
  /** The commit the request asks to pull. */
  readonly commit: string;
  /** What the local ref points at: the tag object for an annotated tag, else the commit. */
  readonly object: string;
}

export interface PushCheck {
  readonly pushed: boolean;
  /** git request-pull's own `warn:` lines (without newlines) when not pushed. */
  readonly warnings: readonly string[];
}

/**
 * git request-pull's find_matching_ref: a remote ref named `remote` (or ending in `/remote`) whose commit is
 * `commit`, and whose unpeeled value is the local object. Same matching, same warnings, same order.
 */
export function checkPushed(refs: readonly RemoteRef[], request: PushedRequest): PushCheck {
  let remoteSha: string | undefined;
  let found: string | undefined;
  for (const { sha, ref, peeled } of refs) {
    if (ref !== request.remote && !ref.endsWith(`/${request.remote}`)) continue;
    if (!peeled) remoteSha = sha;
    if (sha === request.commit) found = ref;
  }
  const sure = `warn: Are you sure you pushed '${request.remote}' there?`;
  if (found === undefined)
    return { pushed: false, warnings: [`warn: No match for commit ${request.commit} found at ${request.url}`, sure] };
  if ((remoteSha ?? request.commit) !== request.object)
    return {
      pushed: false,
      warnings: [`warn: ${request.head} found at ${request.url} but points to a different object`, sure],
    };
  return { pushed: true, warnings: [] };
}
