// What every part of the git layer shares: the repository's runner, its remote, the upstream source, the ref view.
import type { GitRunner } from "./runner.ts";
import type { GitIdentity } from "./inputs.ts";
import type { RefView } from "./refs.ts";

/** Where upstream (Linus' tree) comes from: a remote configured in the clone, or a URL / absolute path. */
export type UpstreamSource =
  { readonly kind: "remote"; readonly name: string } | { readonly kind: "url"; readonly url: string };

/** Validated settings plus runners; built once by createGitLayer. */
export interface GitContext {
  readonly git: GitRunner;
  /** The subsystem remote every push goes to (validated). */
  readonly remote: string;
  readonly view: RefView;
  /** Validated remote name or URL to fetch upstream from; null when the refs are adopted (nothing to fetch). */
  readonly upstreamFetchSource: string | null;
  /** Upstream's main branch (validated ref name), e.g. `master`. */
  readonly upstreamBranch: string;
  readonly identity: GitIdentity | undefined;
  /** A runner for another directory (a temporary worktree) or with extra env (GNUPGHOME for signing). */
  readonly createRunner: (dir: string, env?: Readonly<Record<string, string>>) => GitRunner;
}
