// The GitHub adapter: GitHubPort over an Octokit, narrow and typed by the routes it calls; no decisions.
import { InputError } from "../../domain/errors.ts";
import { isPermission } from "../../domain/commands.ts";
import { assertSafeRefName } from "../../domain/names.ts";
import { assertObjectId } from "../git/inputs.ts";
import type { GitHubPort, TrackingIssue } from "../../ports.ts";
import type { KeyValueStore } from "../store.ts";
import { createConditionalGet } from "./conditional.ts";
import {
  createRouteCaller,
  createRouteLister,
  NO_RETRY,
  statusOf,
  writeAtMostTwice,
  type GitHubClient,
} from "./http.ts";
import {
  assertFilePath,
  assertIssueMarker,
  assertLabel,
  assertNumber,
  assertWorkflow,
  endsWithMarker,
  fitCommentBody,
  fitIssueBody,
  isAppAuthored,
  isLogin,
  parseRepoName,
  readCommentKey,
  renderCommentMarker,
} from "./inputs.ts";
import { createRedactingCaller } from "./redact.ts";
import { ROUTES_USED, type Call, type List, type RouteUsed } from "./routes.ts";
import { createRepoWrites } from "./writes.ts";

export { ROUTES_USED, type Call, type RouteUsed };

/** The part of a comment the adapter reads (what a conditional read keeps). */
interface IssueComment {
  readonly id: number;
  readonly body: string;
  readonly user: { readonly login: string; readonly type: string } | null;
  /** `created_at`; absent in listings kept by an older version (such a comment counts as old). */
  readonly at?: string;
}

/** Whether an app comment is its reply to comment `id`: an answer, `reply:<id>`, or a denial, `reply:<id>:denied:…`. */
function isReplyTo(body: string, id: number): boolean {
  const key = readCommentKey(body);
  return key === `reply:${id}` || (key?.startsWith(`reply:${id}:denied:`) ?? false);
}

/** Comments the repository-wide scan reads at most (ten pages): a subsystem tree sees far fewer in a week. */
export const RECENT_COMMENTS_LIMIT = 1000;

/** A thread's first page as a conditional read keeps it. */
interface KeptThread {
  readonly etag: string;
  readonly value: { readonly whole: boolean; readonly comments: IssueComment[] };
}

/** The part of a contents answer a config read needs (what a conditional read keeps). */
type ConfigFileAnswer =
  | { readonly kind: "file"; readonly content: string }
  | { readonly kind: "not-a-file" }
  | { readonly kind: "too-large"; readonly size: number };

export interface GitHubAdapterOptions {
  readonly octokit: GitHubClient;
  readonly owner: string;
  readonly repo: string;
  /** The app's slug: its comments and issues are authored by `${appSlug}[bot]`. */
  readonly appSlug: string;
  /** Per-request timeout; a write that times out counts as "may have landed". Default 30 s. */
  readonly timeoutMs?: number;
  /** Where ETags and the answers they validate are kept; without it every read is a full GET. */
  readonly store?: KeyValueStore;
}

/** Builds the adapter for one repository; throws InputError for an owner or repo GitHub cannot have. */
export function createGitHubAdapter(options: GitHubAdapterOptions): GitHubPort {
  const { owner, repo } = parseRepoName(`${options.owner}/${options.repo}`);
  const { appSlug } = options;
  const timeoutMs = options.timeoutMs ?? 30_000;
  const call: Call = createRedactingCaller(createRouteCaller<RouteUsed>(options.octokit, timeoutMs));
  const list: List = createRouteLister<RouteUsed>(options.octokit, timeoutMs);
  const at = { owner, repo };
  const conditional = createConditionalGet<RouteUsed>(options.octokit, timeoutMs, options.store);
  const keyOf = (what: string) => `etag:${owner}/${repo}:${what}`;
  /** How many comments of an issue the app knows of: the last listing plus its own posts since. */
  const threadKey = (issue: number) => `thread:${owner}/${repo}:${issue}`;

  /**
   * The comments this adapter (one run) read or posted, by issue: a run lists a thread once, however many
   * comments it then posts there. A re-read after a failed post (did it land?) is always fresh.
   */
  const seen = new Map<number, IssueComment[]>();
  /** Issues whose read said the thread holds nothing the app has not listed or posted. */
  const quiet = new Set<number>();
  /**
   * An issue's comments, oldest first. The first page (up to 100) is read conditionally: unchanged, it is a 304
   * and costs no rate limit. A longer thread's later pages follow one by one.
   */
  async function listComments(issue: number, fresh = false): Promise<IssueComment[]> {
    const known = seen.get(issue);
    if (known && !fresh) return known;
    // The issue said its thread holds only what the app listed or posted: the kept listing is the thread.
    const kept =
      quiet.has(issue) && !fresh ? await options.store?.get<KeptThread>(keyOf(`comments:${issue}`)) : undefined;
    if (kept?.value.whole) {
      seen.set(issue, kept.value.comments);
      return kept.value.comments;
    }
    type Listed = { id: number | bigint; body?: string | undefined; created_at: string };
    const shape = (c: Listed & { user: IssueComment["user"] | null }) => ({
      id: Number(c.id),
      body: c.body ?? "",
      user: c.user ? { login: c.user.login, type: c.user.type } : null,
      at: c.created_at,
    });
    const route = "GET /repos/{owner}/{repo}/issues/{issue_number}/comments";
    const { value } = await conditional(
      keyOf(`comments:${issue}`),
      route,
      { ...at, issue_number: issue, per_page: 100, page: 1 },
      (data) => ({ whole: data.length < 100, comments: data.map(shape) }),
    );
    const all = [...value.comments];
    // A full first page: the later ones follow, unconditionally, until a page that is not full.
    for (let page = 2; !value.whole && all.length === (page - 1) * 100 && page <= 100; page++) {
      const { data } = await call(route, { ...at, issue_number: issue, per_page: 100, page });
      all.push(...data.map(shape));
    }
    seen.set(issue, all);
    await options.store?.set(threadKey(issue), all.length);
    return all;
  }

  async function findAppComment(issue: number, marker: string, fresh = false): Promise<true | undefined> {
    const comments = await listComments(issue, fresh);
    return comments.some((c) => isAppAuthored(c.user, appSlug) && endsWithMarker(c.body, marker)) ? true : undefined;
  }

  async function listIssues(params: { labels: string; state: "open" | "all" }) {
    const issues = await list("GET /repos/{owner}/{repo}/issues", {
      ...at,
      ...params,
      sort: "created",
      direction: "desc",
    });
    return issues.filter((issue) => !issue.pull_request);
  }

  async function ensureLabel(name: string): Promise<void> {
    try {
      await call("GET /repos/{owner}/{repo}/labels/{name}", { ...at, name });
      return;
    } catch (error) {
      if (statusOf(error) !== 404) throw error;
    }
    try {
      await call("POST /repos/{owner}/{repo}/labels", { ...at, name });
    } catch (error) {
      // 422 already_exists: created meanwhile (another delivery, a human). Either way the label is there.
      if (statusOf(error) !== 422) throw error;
    }
  }

  return {
    async readConfigFile(path) {
      assertFilePath(path);
      let file: ConfigFileAnswer;
      try {
        ({ value: file } = await conditional(
          keyOf(`contents:${path}`),
          "GET /repos/{owner}/{repo}/contents/{path}",
          { ...at, path },
          (data): ConfigFileAnswer =>
            Array.isArray(data) || data.type !== "file" || !("content" in data)
              ? { kind: "not-a-file" }
              : data.encoding !== "base64"
                ? { kind: "too-large", size: data.size }
                : { kind: "file", content: data.content },
        ));
      } catch (error) {
        if (statusOf(error) === 404) return null;
        throw error;
      }
      if (file.kind === "not-a-file")
        throw new InputError("config-not-a-file", `${path} in ${owner}/${repo} is not a file`);
      if (file.kind === "too-large")
        throw new InputError(
          "config-too-large",
          `${path} in ${owner}/${repo} is too large to read (${file.size} bytes)`,
        );
      try {
        return new TextDecoder("utf-8", { fatal: true }).decode(Buffer.from(file.content, "base64"));
      } catch {
        throw new InputError("config-not-utf8", `${path} in ${owner}/${repo} is not UTF-8 text`);
      }
    },

    async readIssue(number) {
      const issueNumber = assertNumber(number, "issue");
      try {
        const { value, changed } = await conditional(
          keyOf(`issue:${issueNumber}`),
          "GET /repos/{owner}/{repo}/issues/{issue_number}",
          { ...at, issue_number: issueNumber },
          (issue) => ({
            // A transferred issue answers (through GitHub's redirect) from its new repository: not ours any more.
            here: issue.repository_url.toLowerCase().endsWith(`/repos/${owner}/${repo}`.toLowerCase()),
            issue: {
              number: issue.number,
              title: issue.title,
              body: issue.body ?? "",
              open: issue.state === "open",
              trusted: isAppAuthored(issue.user, appSlug),
            } satisfies TrackingIssue,
            comments: issue.comments,
          }),
        );
        if (!value.here) return null;
        const known = await options.store?.get<number>(threadKey(issueNumber));
        if (known === value.comments) quiet.add(issueNumber);
        return { issue: value.issue, changed, threadChanged: known !== value.comments };
      } catch (error) {
        const status = statusOf(error);
        if (status === 404 || status === 410) return null;
        throw error;
      }
    },

    async listTrackingIssues(label) {
      const issues = await listIssues({ labels: assertLabel(label), state: "all" });
      return issues.map((issue): TrackingIssue => ({
        number: issue.number,
        title: issue.title,
        body: issue.body ?? "",
        open: issue.state === "open",
        trusted: isAppAuthored(issue.user, appSlug),
      }));
    },

    async openIssue(input) {
      const label = assertLabel(input.label);
      const marker = assertIssueMarker(input.marker);
      const body = fitIssueBody(input.body, marker);
      await ensureLabel(label);
      return writeAtMostTwice(
        `opening issue ${JSON.stringify(input.title)} in ${owner}/${repo}`,
        async () =>
          (
            await call("POST /repos/{owner}/{repo}/issues", {
              ...at,
              title: input.title,
              body,
              labels: [label],
              request: NO_RETRY,
            })
          ).data.number,
        async () => {
          const open = await listIssues({ labels: label, state: "open" });
          const landed = open.find(
            (i) => isAppAuthored(i.user, appSlug) && i.title === input.title && (i.body ?? "").includes(marker),
          );
          return landed?.number;
        },
      );
    },

    async updateIssue(number, input) {
      const { title, body, state } = input;
      await call("PATCH /repos/{owner}/{repo}/issues/{issue_number}", {
        ...at,
        issue_number: assertNumber(number, "issue"),
        ...(title === undefined ? {} : { title }),
        ...(body === undefined ? {} : { body: fitIssueBody(body) }),
        ...(state === undefined ? {} : { state }),
      });
    },

    async listThreadComments(issue) {
      const comments = await listComments(assertNumber(issue, "issue"));
      const ours = comments.filter((c) => isAppAuthored(c.user, appSlug)).map((c) => c.body);
      return comments
        .filter((c) => !isAppAuthored(c.user, appSlug))
        .map((c) => {
          return {
            id: c.id,
            body: c.body,
            actor: c.user?.login ?? "",
            actorIsBot: c.user?.type === "Bot" || (c.user?.login ?? "").endsWith("[bot]"),
            answered: ours.some((body) => isReplyTo(body, c.id)),
          };
        });
    },

    async listAppReplies(issue) {
      const comments = await listComments(assertNumber(issue, "issue"));
      return comments.flatMap((c) => {
        const key = isAppAuthored(c.user, appSlug) ? readCommentKey(c.body) : null;
        return key?.startsWith("reply:") ? [{ key, at: c.at ?? new Date(0).toISOString() }] : [];
      });
    },

    async listRecentComments(since) {
      const route = "GET /repos/{owner}/{repo}/issues/comments";
      const comments: (IssueComment & { issue: number })[] = [];
      // Oldest first, a page at a time, until a page that is not full (or the limit: the newest are dropped).
      for (let page = 1; comments.length < RECENT_COMMENTS_LIMIT; page++) {
        const order = { sort: "created", direction: "asc" } as const;
        const { data } = await call(route, { ...at, ...order, since: since.toISOString(), per_page: 100, page });
        for (const c of data) {
          const issue = Number(/\/issues\/(\d+)$/.exec(c.issue_url)?.[1]);
          if (!Number.isSafeInteger(issue)) continue;
          const user = c.user ? { login: c.user.login, type: c.user.type } : null;
          comments.push({ id: Number(c.id), body: c.body ?? "", user, issue });
        }
        if (data.length < 100) break;
      }
      const replies = comments.filter((c) => isAppAuthored(c.user, appSlug)).map((c) => c.body);
      return comments
        .slice(0, RECENT_COMMENTS_LIMIT)
        .filter((c) => !isAppAuthored(c.user, appSlug))
        .map((c) => ({
          id: c.id,
          issue: c.issue,
          body: c.body,
          actor: c.user?.login ?? "",
          actorIsBot: c.user?.type === "Bot" || (c.user?.login ?? "").endsWith("[bot]"),
          answered: replies.some((body) => isReplyTo(body, c.id)),
        }));
    },

    async upsertComment(issue, key, body) {
      assertNumber(issue, "issue");
      const marker = renderCommentMarker(key);
      if (await findAppComment(issue, marker)) return;
      const text = fitCommentBody(body, marker);
      await writeAtMostTwice(
        `commenting ${key} on issue #${issue} in ${owner}/${repo}`,
        async () => {
          const { data } = await call("POST /repos/{owner}/{repo}/issues/{issue_number}/comments", {
            ...at,
            issue_number: issue,
            body: text,
            request: NO_RETRY,
          });
          const user = data.user ? { login: data.user.login, type: data.user.type } : null;
          const thread = seen.get(issue);
          thread?.push({ id: Number(data.id), body: data.body ?? text, user, at: data.created_at });
          if (thread) await options.store?.set(threadKey(issue), thread.length);
          // The kept listing learns the post too (its ETag is now stale: the next conditional read is a 200).
          const keptKey = keyOf(`comments:${issue}`);
          const kept = await options.store?.get<KeptThread>(keptKey);
          if (kept && thread)
            await options.store?.set(keptKey, { ...kept, value: { ...kept.value, comments: thread } });
          return true as const;
        },
        () => findAppComment(issue, marker, true),
      );
    },

    async addLabel(issue, label) {
      await call("POST /repos/{owner}/{repo}/issues/{issue_number}/labels", {
        ...at,
        issue_number: assertNumber(issue, "issue"),
        labels: [assertLabel(label)],
      });
    },

    ...createRepoWrites(call, list, { owner, repo, appSlug }),

    async dispatchWorkflow(workflow, target) {
      const inputs = {
        ref: assertSafeRefName(target.ref, "workflow ref"),
        sha: assertObjectId(target.sha, "workflow sha"),
      };
      const { data } = await call("GET /repos/{owner}/{repo}", at);
      await call("POST /repos/{owner}/{repo}/actions/workflows/{workflow_id}/dispatches", {
        ...at,
        workflow_id: assertWorkflow(workflow),
        ref: assertSafeRefName(data.default_branch, "default branch"),
        inputs,
        request: NO_RETRY,
      });
    },

    async getPermission(login) {
      if (!isLogin(login)) return null; // a name GitHub cannot have: nothing to ask, fail closed
      try {
        const { data } = await call("GET /repos/{owner}/{repo}/collaborators/{username}/permission", {
          ...at,
          username: login,
        });
        // role_name is the finer answer (maintain, triage); permission folds them into admin/write/read/none.
        if (isPermission(data.role_name)) return data.role_name;
        return isPermission(data.permission) ? data.permission : null;
      } catch (error) {
        return statusOf(error) === 404 ? "none" : null;
      }
    },

    async listPullRequestCommitMessages(number) {
      const commits = await list("GET /repos/{owner}/{repo}/pulls/{pull_number}/commits", {
        ...at,
        pull_number: assertNumber(number, "pull request"),
      });
      return commits.map((c) => c.commit.message);
    },
  };
}
