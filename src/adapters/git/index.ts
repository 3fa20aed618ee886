// The git layer: one narrow interface over a subsystem clone — observe facts, rebase safely, create stable branches,
// sign and check tags.
import { assertSafeRefName } from "../../domain/names.ts";
import type { TagCheckFacts } from "../../domain/tag-check.ts";
import type { GitContext, UpstreamSource } from "./context.ts";
import { assertIdentity, assertRemoteName, assertUpstreamUrl, type GitIdentity } from "./inputs.ts";
import { observeRepository, type GitObservation, type ObserveRequest } from "./observe.ts";
import { findUpstreamMerge, type UpstreamMergeFacts } from "./upstream-merge.ts";
import {
  adviseRebase,
  rebaseNext,
  type RealRebaseRequest,
  type RebaseAdvice,
  type RebaseAdviceRequest,
  type RebaseResult,
} from "./rebase.ts";
import { buildRefView, type RefSource } from "./refs.ts";
import { createGitRunner } from "./runner.ts";
import { createSpawnRunner } from "./spawn-runner.ts";
import { createStableBranch, type StableBranchRequest, type StableBranchResult } from "./stable.ts";
import { deleteTag, type DeleteTagResult } from "./delete-tag.ts";
import {
  createSignedTag,
  readTagFacts,
  type SignedTagRequest,
  type SignedTagResult,
  type TagCheckRequest,
} from "./tags.ts";

export type { UpstreamSource } from "./context.ts";
export type { GitIdentity } from "./inputs.ts";
export type { RefSource } from "./refs.ts";
export type * from "./observe.ts";
export type { StableBranchFact } from "./observe-stable.ts";
export type { UpstreamMergeFacts } from "./upstream-merge.ts";
export type { RebaseAdvice, RebaseAdviceRequest, RealRebaseRequest, RebaseResult } from "./rebase.ts";
export type { RebaseRefusal, RebaseRefusalCode, TrialRebase } from "./rebase-steps.ts";
export type { StableBranchRequest, StableBranchResult } from "./stable.ts";
export type { DeleteTagResult } from "./delete-tag.ts";
export type { SignedTagRequest, SignedTagResult, SigningKey, TagCheckRequest } from "./tags.ts";

export interface GitLayerOptions {
  /** A clone of the subsystem repository (may be bare); every push goes to `remote`. */
  readonly repoDir: string;
  /** Default `origin`. */
  readonly remote?: string;
  /**
   * `adopted`: the app's repository mirror, whose upstream refs its workspace's sync wrote from the shared
   * mirror (objects borrowed, nothing to fetch).
   */
  readonly upstream: UpstreamSource | { readonly kind: "adopted" };
  /** Upstream's main branch; default `master`. */
  readonly upstreamBranch?: string;
  /**
   * "remote" (default, the app): branches and tags are read from a mirror of `remote` fetched by observe().
   * "local" (the CLI on a maintainer's clone): the clone's own refs/heads and refs/tags, nothing fetched but upstream.
   */
  readonly refs?: RefSource;
  /** Committer/tagger for rebases and tags; default: the clone's git config. */
  readonly identity?: GitIdentity;
  /** Extra environment for every git process (GNUPGHOME of the keyring that verifies tags). No GIT_*. */
  readonly env?: Readonly<Record<string, string>>;
  /** Sees the argv of every git process (tests, audit logs). */
  readonly onSpawn?: (argv: readonly string[]) => void;
  /**
   * How git is spawned: "simple-git" (default, the app) or "child-process" (the CLI: node:child_process alone,
   * the same rules; a `fetch` is done when git exits, where simple-git waits up to 50 ms more for its pipes).
   */
  readonly runner?: "simple-git" | "child-process";
}

/** What the rest of merge-window may ask of git. Reports facts; the domain decides. */
export interface GitLayer {
  /**
   * Fetches upstream (and the remote mirror) unless `fetch: false`, then reads the facts in a fixed number of
   * processes.
   */
  observe(request?: ObserveRequest): Promise<GitObservation>;
  /**
   * Whether upstream's main branch contains `commit`, and the merge that brought it in; `upstreamHead`: as observe()
   * saw it.
   */
  findUpstreamMerge(commit: string, upstreamHead?: string | null): Promise<UpstreamMergeFacts>;
  /** How far next is behind a target tag, upstream changes in the paths, a trial rebase; changes nothing. */
  adviseRebase(request: RebaseAdviceRequest): Promise<RebaseAdvice>;
  /** The real rebase under the README's guarantees; pushes only when every check passed. */
  rebaseNext(request: RealRebaseRequest): Promise<RebaseResult>;
  /** Creates `stable-X.Y` at a pinned SHA; idempotent; never moves an existing branch. */
  createStableBranch(request: StableBranchRequest): Promise<StableBranchResult>;
  /** Deletes a tag on the remote only if it still points at `expectedObject` (the tag object that was checked). */
  deleteTag(name: string, expectedObject: string): Promise<DeleteTagResult>;
  /** Signs and pushes a new tag. */
  createSignedTag(request: SignedTagRequest): Promise<SignedTagResult>;
  /** The raw facts about one tag (safe names only; throws InputError otherwise); the domain's checkTag judges them. */
  readTagFacts(name: string, request?: TagCheckRequest): Promise<TagCheckFacts>;
}

/** Validates the options (InputError naming the bad one) and builds the layer. */
export function createGitLayer(options: GitLayerOptions): GitLayer {
  const remote = assertRemoteName(options.remote ?? "origin");
  const upstreamFetchSource =
    options.upstream.kind === "remote"
      ? assertRemoteName(options.upstream.name, "upstream remote")
      : options.upstream.kind === "url"
        ? assertUpstreamUrl(options.upstream.url)
        : null;
  const create = options.runner === "child-process" ? createSpawnRunner : createGitRunner;
  const createRunner = (dir: string, env: Readonly<Record<string, string>> = {}) =>
    create(dir, { env: { ...options.env, ...env }, ...(options.onSpawn ? { onSpawn: options.onSpawn } : {}) });
  const context: GitContext = {
    git: createRunner(options.repoDir),
    remote,
    view: buildRefView(options.refs ?? "remote"),
    upstreamFetchSource,
    upstreamBranch: assertSafeRefName(options.upstreamBranch ?? "master", "upstream branch"),
    identity: options.identity ? assertIdentity(options.identity) : undefined,
    createRunner,
  };
  return {
    observe: (request) => observeRepository(context, request),
    findUpstreamMerge: (commit, upstreamHead) => findUpstreamMerge(context, commit, upstreamHead),
    adviseRebase: (request) => adviseRebase(context, request),
    rebaseNext: (request) => rebaseNext(context, request),
    createStableBranch: (request) => createStableBranch(context, request),
    createSignedTag: (request) => createSignedTag(context, request),
    deleteTag: (name, expectedObject) => deleteTag(context, name, expectedObject),
    readTagFacts: (name, request) => readTagFacts(context, name, request),
  };
}
