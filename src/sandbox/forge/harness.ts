// Harness controls (plain methods, not HTTP): set up accounts, repositories and installs; read state back.
import { join } from "node:path";
import { InputError } from "../../domain/errors.ts";
import { stampNow, type ForgeContext } from "./context.ts";
import type { FailOptions, FaultPlan, RateLimitOptions } from "./faults.ts";
import { createBareRepo, type RefState } from "./git-repo.ts";
import type { RequestLogEntry } from "./router.ts";
import { completeWorkflowRun } from "./routes/actions.ts";
import { createToken, findRepo, repoKey } from "./state.ts";
import type { CheckConclusion, CheckStatus, ForgeAccount, ForgeRepo, Role, WorkflowConclusion } from "./types.ts";
import type { DeliverOptions, DeliveryRecord, QueuedDelivery } from "./webhooks.ts";

const LOGIN = /^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$/;
const REPO_NAME = /^[A-Za-z0-9_.-]{1,100}$/;

export interface IssueView {
  readonly number: number;
  readonly title: string;
  readonly body: string | null;
  readonly state: "open" | "closed";
  readonly author: string;
  readonly labels: readonly string[];
  readonly isPullRequest: boolean;
  readonly comments: readonly {
    readonly id: number;
    readonly author: string;
    readonly body: string;
    readonly createdAt: string;
  }[];
}

export interface CheckRunView {
  readonly id: number;
  readonly name: string;
  readonly headSha: string;
  readonly status: CheckStatus;
  readonly conclusion: CheckConclusion | null;
  readonly title: string | null;
  readonly summary: string | null;
}

export interface WorkflowRunView {
  readonly id: number;
  readonly path: string;
  readonly headBranch: string;
  readonly headSha: string;
  readonly status: "queued" | "completed";
  readonly conclusion: WorkflowConclusion | null;
  readonly inputs: Readonly<Record<string, unknown>>;
}

export interface ForgeHarness {
  /** Creates an empty bare repository (`createRepo("selinux", "selinux", { defaultBranch: "main" })`). */
  createRepo(
    owner: string,
    name: string,
    options?: { defaultBranch?: string; private?: boolean },
  ): Promise<{ fullName: string; dir: string }>;
  /** Creates a user and returns their token (REST `token …`, git basic-auth password). */
  createUser(login: string): string;
  /** Grants `login` a role on the repository; null removes it. */
  setPermission(owner: string, repo: string, login: string, role: Role | null): void;
  /** Installs the app on `repos` of `owner`; returns the installation id (one installation per account). */
  installApp(owner: string, repos: readonly string[]): number;
  /** Clone/push URL; with `login`, that user's credentials are embedded. */
  gitUrl(owner: string, repo: string, login?: string): string;
  /** The next matching request fails with `status` (502), by default after taking effect. */
  failNext(method: string, routeTemplate: string, options?: FailOptions): void;
  /** Forgets the planned failures not consumed yet. */
  clearFailures(): void;
  /** The next matching request (any, when unspecified) gets a 403 rate-limit answer. */
  rateLimitNext(method?: string, routeTemplate?: string, options?: RateLimitOptions): void;
  /** How many non-GET REST requests matched `routeTemplate` (or any route). */
  countWrites(routeTemplate?: string): number;
  setWebhookUrl(url: string): void;
  deliver(options?: DeliverOptions): Promise<DeliveryRecord[]>;
  redeliver(deliveryId: string): Promise<DeliveryRecord>;
  pendingDeliveries(): readonly QueuedDelivery[];
  /** Drops every queued delivery unsent (the events GitHub never sends); returns them. */
  discardPendingDeliveries(): readonly QueuedDelivery[];
  readonly deliveries: readonly DeliveryRecord[];
  issues(owner: string, repo: string): IssueView[];
  checkRuns(owner: string, repo: string): CheckRunView[];
  workflowRuns(owner: string, repo: string): WorkflowRunView[];
  completeWorkflowRun(owner: string, repo: string, runId: number, conclusion: WorkflowConclusion): Promise<void>;
  /** The repository's refs as git has them (`refs/heads/main` → sha, type, peeled commit). */
  refs(owner: string, repo: string): Promise<Map<string, RefState>>;
}

export function createHarness(
  ctx: ForgeContext,
  root: string,
  faults: FaultPlan,
  requests: readonly RequestLogEntry[],
): ForgeHarness {
  const { state } = ctx;
  const repo = (owner: string, name: string): ForgeRepo => {
    try {
      return findRepo(state, owner, name);
    } catch {
      throw new InputError("unknown-repo", `forge: no repository ${owner}/${name}`);
    }
  };
  const account = (login: string): ForgeAccount => {
    const found = state.accounts.get(login.toLowerCase());
    if (!found)
      throw new InputError("unknown-user", `forge: no account ${JSON.stringify(login)}; call createUser first`);
    return found;
  };
  return {
    async createRepo(owner, name, options = {}) {
      if (!LOGIN.test(owner))
        throw new InputError("bad-owner", `forge: ${JSON.stringify(owner)} is not a GitHub login`);
      if (!REPO_NAME.test(name) || name.endsWith(".git") || name === "." || name === "..") {
        throw new InputError("bad-repo-name", `forge: ${JSON.stringify(name)} is not a repository name GitHub accepts`);
      }
      if (state.repos.has(repoKey(owner, name)))
        throw new InputError("repo-exists", `forge: ${owner}/${name} already exists`);
      let ownerAccount = state.accounts.get(owner.toLowerCase());
      if (!ownerAccount) {
        ownerAccount = { login: owner, id: state.nextId("account"), type: "Organization" };
        state.accounts.set(owner.toLowerCase(), ownerAccount);
      }
      const dir = join(root, ownerAccount.login, `${name}.git`);
      const git = await createBareRepo(dir, options.defaultBranch ?? "main");
      const now = stampNow(ctx);
      state.repos.set(repoKey(owner, name), {
        id: state.nextId("repo"),
        owner: ownerAccount,
        name,
        fullName: `${ownerAccount.login}/${name}`,
        defaultBranch: options.defaultBranch ?? "main",
        private: options.private ?? false,
        createdAt: now,
        pushedAt: now,
        git,
        roles: new Map(),
        issues: new Map(),
        labels: new Map(),
        checkRuns: [],
        workflowRuns: [],
        workflowIds: new Map(),
      });
      return { fullName: `${ownerAccount.login}/${name}`, dir };
    },
    createUser(login) {
      if (!LOGIN.test(login))
        throw new InputError("bad-login", `forge: ${JSON.stringify(login)} is not a GitHub login`);
      if (state.accounts.has(login.toLowerCase()))
        throw new InputError("user-exists", `forge: ${login} already exists`);
      const token = createToken("ghp");
      state.accounts.set(login.toLowerCase(), { login, id: state.nextId("account"), type: "User", token });
      return token;
    },
    setPermission(owner, name, login, role) {
      const target = repo(owner, name);
      account(login);
      if (role === null) target.roles.delete(login.toLowerCase());
      else target.roles.set(login.toLowerCase(), role);
    },
    installApp(owner, repos) {
      const ownerAccount = account(owner);
      const keys = repos.map((name) => repoKey(repo(owner, name).owner.login, name));
      let installation = [...state.installations.values()].find((existing) => existing.account === ownerAccount);
      if (!installation) {
        installation = {
          id: state.nextId("installation"),
          account: ownerAccount,
          repos: new Set(),
          createdAt: stampNow(ctx),
        };
        state.installations.set(installation.id, installation);
      }
      for (const key of keys) installation.repos.add(key);
      return installation.id;
    },
    gitUrl(owner, name, login) {
      const target = repo(owner, name);
      const url = new URL(`${ctx.urls.api}/${target.owner.login}/${target.name}.git`);
      if (login !== undefined) {
        const user = account(login);
        if (!user.token) throw new InputError("no-token", `forge: ${login} has no token`);
        url.username = user.login;
        url.password = user.token;
      }
      return url.toString();
    },
    failNext: (method, route, options) => faults.failNext(method, route, options),
    clearFailures: () => faults.clearFailures(),
    rateLimitNext: (method, route, options) => faults.rateLimitNext(method, route, options),
    countWrites(route) {
      return requests.filter(
        (entry) =>
          entry.method !== "GET" &&
          entry.route !== null &&
          !entry.route.includes(".git/") &&
          (!route || entry.route === route),
      ).length;
    },
    setWebhookUrl: (url) => ctx.webhooks.setUrl(url),
    deliver: (options) => ctx.webhooks.deliver(options),
    redeliver: (id) => ctx.webhooks.redeliver(id),
    pendingDeliveries: () => ctx.webhooks.pending(),
    discardPendingDeliveries: () => ctx.webhooks.discardPending(),
    get deliveries() {
      return ctx.webhooks.log;
    },
    issues(owner, name) {
      const target = repo(owner, name);
      return [...target.issues.values()].map((issue) => ({
        number: issue.number,
        title: issue.title,
        body: issue.body,
        state: issue.state,
        author: issue.user.login,
        labels: issue.labels.map((key) => target.labels.get(key)?.name ?? key),
        isPullRequest: issue.pull !== undefined,
        comments: issue.comments.map((comment) => ({
          id: comment.id,
          author: comment.user.login,
          body: comment.body,
          createdAt: comment.createdAt,
        })),
      }));
    },
    checkRuns(owner, name) {
      return repo(owner, name).checkRuns.map((run) => ({
        id: run.id,
        name: run.name,
        headSha: run.headSha,
        status: run.status,
        conclusion: run.conclusion,
        title: run.output.title,
        summary: run.output.summary,
      }));
    },
    workflowRuns(owner, name) {
      return repo(owner, name).workflowRuns.map((run) => ({
        id: run.id,
        path: run.path,
        headBranch: run.headBranch,
        headSha: run.headSha,
        status: run.status,
        conclusion: run.conclusion,
        inputs: run.inputs,
      }));
    },
    async completeWorkflowRun(owner, name, runId, conclusion) {
      await completeWorkflowRun(ctx, repo(owner, name), runId, conclusion);
    },
    refs: (owner, name) => repo(owner, name).git.listRefs(),
  };
}
