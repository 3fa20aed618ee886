// Reading a replay's outcome from the forge itself: the tracking issue, its checklist and comments by marker,
// check runs, refs; and a snapshot of all of it to compare before and after (a restart, redeliveries).
import type { CheckRunView, Forge, IssueView } from "./forge/index.ts";

const MARKER = /<!-- merge-window:([A-Za-z0-9:@#._/-]+) -->\s*$/;

export interface ForgeSnapshot {
  /** Ref name → object id (`refs/heads/next`, `refs/tags/…`, `refs/merge-window/backup/…`). */
  readonly refs: Readonly<Record<string, string>>;
  readonly issues: readonly IssueView[];
  readonly checkRuns: readonly CheckRunView[];
}

/** Everything the app can change on the forge for one repository. */
export async function takeSnapshot(forge: Forge, owner: string, repo: string): Promise<ForgeSnapshot> {
  const refs = Object.fromEntries([...(await forge.refs(owner, repo))].map(([name, state]) => [name, state.sha]));
  return { refs, issues: forge.issues(owner, repo), checkRuns: forge.checkRuns(owner, repo) };
}

/** The tracking issue: the app's issue labelled `merge-window` (the newest, when there are several). */
export function findTrackingIssue(
  forge: Forge,
  owner: string,
  repo: string,
  label = "merge-window",
): IssueView | undefined {
  return forge
    .issues(owner, repo)
    .filter((issue) => !issue.isPullRequest && issue.author.endsWith("[bot]") && issue.labels.includes(label))
    .at(-1);
}

/** The hidden key a comment of the app ends with (`remind:late`, `request-pull:selinux-pr-20240311`), or null. */
function commentKey(body: string): string | null {
  return MARKER.exec(body)?.[1] ?? null;
}

/** The keys of the app's comments on an issue, in order (a key twice means a comment was posted twice). */
export function listCommentKeys(issue: IssueView | undefined): string[] {
  return (issue?.comments ?? [])
    .filter((comment) => comment.author.endsWith("[bot]"))
    .map((comment) => commentKey(comment.body) ?? "(no key)");
}

/** The checklist lines of the tracking issue's body (`- ✅ **Copy next to stable-6.9**: done, …`), markdown stripped. */
export function readChecklist(body: string | null): string[] {
  const lines = (body ?? "").split("\n");
  const start = lines.findIndex((line) => line.startsWith("### Window for"));
  if (start < 0) return [];
  const items: string[] = [];
  for (const line of lines.slice(start + 1)) {
    if (!line.startsWith("- ")) break;
    items.push(line.slice(2).replace(/\*\*/g, "").replace(/`/g, ""));
  }
  return items;
}

/** The app's comment carrying `key`, or undefined. */
export function findComment(issue: IssueView | undefined, key: string): IssueView["comments"][number] | undefined {
  return issue?.comments.find((comment) => comment.author.endsWith("[bot]") && commentKey(comment.body) === key);
}

/** The `git request-pull` part of a posted [GIT PULL] mail comment (after the mail's `--` line, inside the fence). */
export function extractRequestPull(commentBody: string): string | null {
  const mail = extractMail(commentBody);
  if (!mail) return null;
  const split = mail.indexOf("\n--\n");
  return split < 0 ? null : mail.slice(split + 4);
}

/** A comment key with its commit ids and comment ids replaced (`reply:200013` → `reply:#`, `@5d63…` → `@sha`). */
export function normalizeKey(key: string): string {
  return key
    .replace(/@[0-9a-f]{40}$/, "@sha")
    .replace(/:\d+$/, ":#")
    .replace(/^reply:\d+:/, "reply:#:");
}

/** The whole mail of a [GIT PULL] comment (the fenced text), or null. */
export function extractMail(commentBody: string): string | null {
  return /^(```|~~~~)text\n([\s\S]*?)^\1/m.exec(commentBody)?.[2] ?? null;
}
