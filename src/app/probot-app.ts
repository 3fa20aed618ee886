// The Probot app: builds the runtime from Probot's auth, hands every allowlisted webhook to it, starts the schedule.
import type { ApplicationFunction, Probot } from "probot";
import { createSystemClock, type Clock } from "../adapters/clock.ts";
import type { SigningKey } from "../adapters/git/index.ts";
import { createGitHubAdapter } from "../adapters/github/index.ts";
import { createRuntime, type AppAccess, type Runtime } from "./runtime.ts";
import { startScheduler } from "./schedule.ts";
import { type HANDLED_EVENTS } from "./webhooks.ts";

/** The events subscribed to; mapWebhook() then keeps only HANDLED_EVENTS' actions. */
const WEBHOOK_EVENTS = [
  "push",
  "create",
  "delete",
  "pull_request",
  "issue_comment",
  "workflow_run",
  "installation",
  "installation_repositories",
] as const;
WEBHOOK_EVENTS satisfies readonly (keyof typeof HANDLED_EVENTS)[];

export interface AppOptions {
  readonly cacheDir: string;
  /** Base of clone URLs: `https://github.com` (or the sandbox forge). */
  readonly gitBaseUrl: string;
  readonly clock?: Clock;
  readonly signingKey?: SigningKey | null;
  readonly gnupgHome?: string;
  /** Start the cron table (off in tests and the demo, which drive jobs themselves). */
  readonly schedule?: boolean;
  /** Receives the runtime once built (tests and the demo wait on runtime.idle()). */
  readonly onRuntime?: (runtime: Runtime) => void;
}

export function createMergeWindowApp(options: AppOptions): ApplicationFunction {
  return (app: Probot) => {
    const log = (line: string) => app.log.info(line);
    const runtime = createRuntime({
      access: createProbotAccess(app, options.gitBaseUrl),
      clock: options.clock ?? createSystemClock(),
      cacheDir: options.cacheDir,
      signingKey: options.signingKey ?? null,
      ...(options.gnupgHome ? { gnupgHome: options.gnupgHome } : {}),
      log,
    });
    options.onRuntime?.(runtime);
    // Acknowledged at once: the handler only queues; git work runs off the request path.
    app.on([...WEBHOOK_EVENTS], async (context) => {
      runtime.handleWebhook(context.name, context.payload, context.id);
    });
    if (options.schedule ?? true)
      startScheduler((job) => runtime.runJob(job), {
        onError: (job, error) => app.log.error({ err: error }, `scheduled job ${job} failed`),
      });
  };
}

/** AppAccess over Probot: installation clients and tokens, the app's slug, the installed repositories. */
export function createProbotAccess(app: Probot, gitBaseUrl: string): AppAccess {
  let slug: Promise<string> | null = null;
  // Asked once; a failed lookup is forgotten, or one network error would fail every later run until a restart.
  const appSlug = () =>
    (slug ??= app
      .auth()
      .then(async (octokit) => (await octokit.request("GET /app")).data?.slug ?? "merge-window")
      .catch((error: unknown) => {
        slug = null;
        throw error;
      }));
  return {
    async installation(installationId) {
      const octokit = await app.auth(installationId);
      const { token } = (await octokit.auth({ type: "installation" })) as { token: string };
      const name = await appSlug();
      return { token, github: (owner, repo) => createGitHubAdapter({ octokit, owner, repo, appSlug: name }) };
    },
    async listRepositories() {
      const octokit = await app.auth();
      const installations = await octokit.paginate("GET /app/installations", { per_page: 100 });
      const repos = [];
      for (const installation of installations) {
        const client = await app.auth(installation.id);
        const list = await client.paginate("GET /installation/repositories", { per_page: 100 });
        for (const repo of list)
          repos.push({ installationId: installation.id, owner: repo.owner.login, repo: repo.name });
      }
      return repos;
    },
    cloneUrl: (owner, repo) => `${gitBaseUrl.replace(/\/+$/, "")}/${owner}/${repo}.git`,
  };
}
