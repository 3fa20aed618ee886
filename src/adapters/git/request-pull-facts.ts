// The facts of a request-pull body read over any GitRunner (the app's, or the CLI's light one): git itself gives
// the shortlog and the diffstat, so the rendered body matches `git request-pull <base> <url> tags/<tag>` byte for byte.
import { InputError } from "../../domain/errors.ts";
import { assertSafeRefName } from "../../domain/names.ts";
import { deriveTagMessage, type RequestPullCommit, type RequestPullData } from "../../domain/request-pull.ts";
import { isObjectId } from "./inputs.ts";
import type { GitRunner } from "./runner.ts";

export interface RequestPullRequest {
  /** Where the pull starts: a tag (`v6.8-rc1`, the previous PR tag) or a full commit id. */
  readonly base: string;
  /** The tag to pull, shown as `tags/<tag>`. */
  readonly tag: string;
  /** The public URL printed in the body; never contacted. */
  readonly url: string;
}

/** NUL between fields: `%x00` in pretty formats, `%00` in for-each-ref formats. */
const FIELD = "%x00";

/**
 * Six git processes (seven for a commit-id base): refs, merge-base, shortlog and diffstat start together (they
 * name the tag and base by full ref, so none waits for another), then the tag object and the two commits. The
 * refs read decides the errors: a missing tag or base is reported as such, never as a failed shortlog.
 */
export async function collectRequestPull(git: GitRunner, request: RequestPullRequest): Promise<RequestPullData> {
  const tag = assertSafeRefName(request.tag, "tag");
  const baseIsId = isObjectId(request.base);
  const base = baseIsId ? request.base : assertSafeRefName(request.base, "base");
  if (!/^\S+$/.test(request.url)) {
    throw new InputError("bad-url", `request-pull URL ${JSON.stringify(request.url)} is empty or contains white space`);
  }
  const tipRev = `refs/tags/${tag}^{commit}`;
  const startRev = `${baseIsId ? base : `refs/tags/${base}`}^{commit}`;
  const refsP = later(readTagRefs(git, baseIsId ? [tag] : [tag, base]));
  const verifiedP = later(baseIsId ? verifyCommit(git, base) : Promise.resolve(undefined));
  const mergeBaseP = later(git.tryRun(["merge-base", "--end-of-options", startRev, tipRev]));
  const shortlogP = later(git.run(["shortlog", "--end-of-options", `^${startRev}`, tipRev]));
  // A...B: from their merge-base (as git request-pull's $merge_base..$headrev). 80 columns: what git uses when
  // stdout is not a terminal and COLUMNS is unset, as in a mail.
  const diffstatP = later(
    git.run([
      "diff",
      "-M",
      "--stat=80",
      "--summary",
      "--no-color",
      "--no-ext-diff",
      "--end-of-options",
      `${startRev}...${tipRev}`,
    ]),
  );
  const refs = await refsP;
  const tip = refs.get(tag);
  if (!tip) throw new InputError("unknown-tag", `tag ${tag} does not exist in ${git.dir}`);
  if (tip.commit === null) throw new InputError("tag-not-commit", `tag ${tag} does not point at a commit`);
  const start = baseIsId ? await verifiedP : refs.get(base)?.commit;
  if (!start) throw new InputError("unknown-base", `base ${base} is not a tag or commit of ${git.dir}`);
  const tagObjectP = later(
    tip.isTagObject ? git.run(["cat-file", "tag", "--end-of-options", tip.object]) : Promise.resolve(null),
  );
  const mergeBase = (await mergeBaseP)?.trim();
  if (!mergeBase) throw new InputError("no-common-history", `base ${base} and tag ${tag} have no commit in common`);
  const [commits, tagObject, shortlog, diffstat] = await Promise.all([
    readCommits(git, [mergeBase, tip.commit]),
    tagObjectP,
    shortlogP,
    diffstatP,
  ]);
  return {
    base: commits.get(mergeBase)!,
    url: request.url,
    ref: `tags/${tag}`,
    tip: commits.get(tip.commit)!,
    tagMessage: tagObject === null ? null : deriveTagMessage(tagObject),
    branchDescription: null,
    shortlog,
    diffstat,
  };
}

/** A promise awaited later (or never, after an earlier error): its rejection is not reported as unhandled. */
function later<T>(promise: Promise<T>): Promise<T> {
  promise.catch(() => {});
  return promise;
}

interface TagRef {
  readonly object: string;
  readonly isTagObject: boolean;
  /** The commit the tag leads to; null when it tags a tree, a blob or another tag. */
  readonly commit: string | null;
}

async function readTagRefs(git: GitRunner, names: readonly string[]): Promise<Map<string, TagRef>> {
  const format = ["%(refname)", "%(objectname)", "%(objecttype)", "%(*objectname)", "%(*objecttype)"].join("%00");
  const out = await git.run([
    "for-each-ref",
    `--format=${format}`,
    "--end-of-options",
    ...names.map((name) => `refs/tags/${name}`),
  ]);
  const refs = new Map<string, TagRef>();
  for (const line of out.split("\n")) {
    const [refname = "", object = "", type, peeled, peeledType] = line.split("\0");
    const name = refname.replace(/^refs\/tags\//, "");
    if (!names.includes(name)) continue;
    const commit = type === "commit" ? object : type === "tag" && peeledType === "commit" ? peeled! : null;
    refs.set(name, { object, isTagObject: type === "tag", commit });
  }
  return refs;
}

async function verifyCommit(git: GitRunner, id: string): Promise<string | undefined> {
  return (
    (await git.tryRun(["rev-parse", "--verify", "--quiet", "--end-of-options", `${id}^{commit}`]))?.trim() || undefined
  );
}

/** `%H %s %ci` of each commit, read in one `git show`. */
async function readCommits(git: GitRunner, ids: readonly string[]): Promise<Map<string, RequestPullCommit>> {
  const unique = [...new Set(ids)];
  const out = await git.run([
    "show",
    "-s",
    "--no-show-signature",
    `--format=%H${FIELD}%s${FIELD}%ci`,
    "--end-of-options",
    ...unique,
  ]);
  const commits = new Map<string, RequestPullCommit>();
  for (const line of out.split("\n")) {
    const [sha, subject, date] = line.split("\0");
    if (sha && subject !== undefined && date) commits.set(sha, { sha, subject, date });
  }
  for (const id of unique) if (!commits.has(id)) throw new Error(`git show did not describe commit ${id}`);
  return commits;
}
