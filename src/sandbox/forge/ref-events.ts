// Ref changes (a git push or a REST ref write) → GitHub's push, create, delete and pull_request.synchronize.
import { emitWebhook, stampNow, type ForgeContext } from "./context.ts";
import { ZERO_SHA, type CommitInfo, type RefState } from "./git-repo.ts";
import { buildPullRequest } from "./shapes-pulls.ts";
import type { ForgeAccount, ForgeRepo } from "./types.ts";

/** GitHub sends no events for tags when more than this many are pushed at once. */
export const MAX_TAG_EVENTS_PER_PUSH = 3;
/** The most commits a push payload lists. */
const MAX_PUSH_COMMITS = 2048;

export interface RefChange {
  readonly ref: string;
  readonly before: RefState | null;
  readonly after: RefState | null;
}

/** The refs whose value differs between two snapshots, in ref-name order. */
function diffRefs(before: ReadonlyMap<string, RefState>, after: ReadonlyMap<string, RefState>): RefChange[] {
  const names = [...new Set([...before.keys(), ...after.keys()])].sort();
  return names
    .map((ref) => ({ ref, before: before.get(ref) ?? null, after: after.get(ref) ?? null }))
    .filter((change) => change.before?.sha !== change.after?.sha);
}

/**
 * Queues the webhooks GitHub sends for one push: per branch or tag, `push` then `create`/`delete`, then
 * `pull_request.synchronize` for open pull requests whose head moved. Tags are skipped when more than three
 * changed at once (GitHub's documented limit).
 */
export async function emitRefChanges(
  ctx: ForgeContext,
  repo: ForgeRepo,
  before: ReadonlyMap<string, RefState>,
  after: ReadonlyMap<string, RefState>,
  pusher: ForgeAccount,
): Promise<RefChange[]> {
  const changes = diffRefs(before, after).filter((change) => /^refs\/(heads|tags)\//.test(change.ref));
  if (changes.length === 0) return changes;
  repo.pushedAt = stampNow(ctx);
  const tagCount = changes.filter((change) => change.ref.startsWith("refs/tags/")).length;
  const previousTips = [
    ...new Set([...before.values()].map((state) => state.commit).filter((sha): sha is string => sha !== null)),
  ];
  for (const change of changes) {
    const isTag = change.ref.startsWith("refs/tags/");
    if (isTag && tagCount > MAX_TAG_EVENTS_PER_PUSH) continue;
    const payload = await buildPushPayload(ctx, repo, change, after, previousTips, pusher);
    emitWebhook(ctx, repo, "push", payload, pusher);
    const shortName = change.ref.replace(/^refs\/(heads|tags)\//, "");
    const refType = isTag ? "tag" : "branch";
    if (!change.before) {
      emitWebhook(
        ctx,
        repo,
        "create",
        {
          ref: shortName,
          ref_type: refType,
          master_branch: repo.defaultBranch,
          description: null,
          pusher_type: "user",
        },
        pusher,
      );
    } else if (!change.after) {
      emitWebhook(ctx, repo, "delete", { ref: shortName, ref_type: refType, pusher_type: "user" }, pusher);
    }
  }
  await emitSynchronize(ctx, repo, changes, pusher);
  return changes;
}

async function buildPushPayload(
  ctx: ForgeContext,
  repo: ForgeRepo,
  change: RefChange,
  after: ReadonlyMap<string, RefState>,
  previousTips: readonly string[],
  pusher: ForgeAccount,
): Promise<Record<string, unknown>> {
  const beforeSha = change.before?.sha ?? ZERO_SHA;
  const afterSha = change.after?.sha ?? ZERO_SHA;
  const html = `${ctx.urls.html}/${repo.fullName}`;
  const isBranch = change.ref.startsWith("refs/heads/");
  const tip = change.after?.commit ?? null;
  let commits: CommitInfo[] = [];
  let distinct = new Set<string>();
  if (isBranch && tip) {
    const fresh = await repo.git.listCommits(tip, previousTips, MAX_PUSH_COMMITS);
    distinct = new Set(fresh.map((commit) => commit.sha));
    commits = change.before?.commit ? await repo.git.listCommits(tip, [change.before.commit], MAX_PUSH_COMMITS) : fresh;
  }
  const head = tip ? (commits.find((commit) => commit.sha === tip) ?? (await repo.git.readCommit(tip))) : null;
  const forced = change.before?.commit && tip ? !(await repo.git.isAncestor(change.before.commit, tip)) : false;
  const shortName = change.ref.replace(/^refs\/(heads|tags)\//, "");
  const baseBranch =
    !change.before && tip
      ? ([...after].find(
          ([ref, state]) => ref !== change.ref && ref.startsWith("refs/heads/") && state.sha === tip,
        )?.[0] ?? null)
      : null;
  const short = (sha: string) => sha.slice(0, 12);
  return {
    ref: change.ref,
    before: beforeSha,
    after: afterSha,
    pusher: { name: pusher.login, email: `${pusher.id}+${pusher.login}@users.noreply.github.com` },
    created: change.before === null,
    deleted: change.after === null,
    forced,
    base_ref: baseBranch,
    compare:
      change.before === null
        ? `${html}/compare/${shortName}`
        : `${html}/compare/${short(beforeSha)}...${short(afterSha)}`,
    commits: commits.map((commit) => buildPushCommit(html, commit, distinct.has(commit.sha))),
    head_commit: head ? buildPushCommit(html, head, distinct.has(head.sha)) : null,
  };
}

function buildPushCommit(html: string, commit: CommitInfo, distinct: boolean): Record<string, unknown> {
  return {
    id: commit.sha,
    tree_id: commit.tree,
    distinct,
    message: commit.message,
    timestamp: commit.committer.date,
    url: `${html}/commit/${commit.sha}`,
    author: { name: commit.author.name, email: commit.author.email },
    committer: { name: commit.committer.name, email: commit.committer.email },
    added: commit.added,
    removed: commit.removed,
    modified: commit.modified,
  };
}

async function emitSynchronize(
  ctx: ForgeContext,
  repo: ForgeRepo,
  changes: readonly RefChange[],
  pusher: ForgeAccount,
): Promise<void> {
  for (const change of changes) {
    if (!change.ref.startsWith("refs/heads/") || !change.before || !change.after?.commit) continue;
    const branch = change.ref.slice("refs/heads/".length);
    for (const issue of repo.issues.values()) {
      if (!issue.pull || issue.state !== "open" || issue.pull.head !== branch) continue;
      const before = issue.pull.headSha;
      issue.pull.headSha = change.after.commit;
      issue.updatedAt = stampNow(ctx);
      const pullRequest = await buildPullRequest(ctx, repo, issue);
      emitWebhook(
        ctx,
        repo,
        "pull_request",
        { action: "synchronize", number: issue.number, before, after: change.after.commit, pull_request: pullRequest },
        pusher,
      );
    }
  }
}
