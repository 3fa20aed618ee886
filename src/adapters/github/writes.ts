// The GitHub adapter's repository writes: refs (create, never move), check runs (upsert), pull requests.
import { InputError } from "../../domain/errors.ts";
import { renderText, shortenName } from "../../domain/markdown.ts";
import { assertSafeRefName } from "../../domain/names.ts";
import { fitBody } from "../../domain/tracking-issue.ts";
import type { CheckRunReport, GitHubPort, PullRequestRecord } from "../../ports.ts";
import { NO_RETRY, statusOf, writeAtMostTwice } from "./http.ts";
import type { Call, List } from "./routes.ts";
import { assertObjectId } from "../git/inputs.ts";
import { parseRepoName, qualifyHead } from "./inputs.ts";

type RepoWrites = Pick<GitHubPort, "reportCheckRun" | "openPullRequest">;

/** GitHub refuses longer check run names; a longer one is shortened with a hash (stable, so upserts find it). */
export const MAX_CHECK_NAME = 200;

/** reportCheckRun and openPullRequest for `owner/repo`, through `call`. (Refs change only through git, with leases.) */
export function createRepoWrites(
  call: Call,
  list: List,
  context: { owner: string; repo: string; appSlug: string },
): RepoWrites {
  const { owner, repo, appSlug } = context;
  const at = { owner, repo };

  async function findCheckRun(sha: string, name: string): Promise<number | undefined> {
    const { data } = await call("GET /repos/{owner}/{repo}/commits/{ref}/check-runs", {
      ...at,
      ref: sha,
      check_name: name,
      per_page: 100,
    });
    // Another app's run of the same name is not ours to update (GitHub would answer 403).
    const run = data.check_runs.find((candidate) => candidate.name === name && candidate.app?.slug === appSlug);
    return run === undefined ? undefined : Number(run.id);
  }

  return {
    async reportCheckRun(input) {
      const sha = assertObjectId(input.sha, `check run ${JSON.stringify(input.name.slice(0, 60))} sha`);
      if (input.name.trim() === "") throw new InputError("bad-check-name", "a check run needs a name");
      const report = { ...input, name: shortenName(input.name, MAX_CHECK_NAME) };
      const fields = {
        conclusion: report.conclusion,
        status: "completed" as const,
        output: { title: shortenName(report.title, MAX_CHECK_NAME), summary: renderSummary(report) },
      };
      const existing = await findCheckRun(sha, report.name);
      if (existing !== undefined) {
        await call("PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}", {
          ...at,
          check_run_id: existing,
          ...fields,
        });
        return;
      }
      await writeAtMostTwice(
        `creating check run ${JSON.stringify(report.name)} on ${sha}`,
        async () => {
          await call("POST /repos/{owner}/{repo}/check-runs", {
            ...at,
            name: report.name,
            head_sha: sha,
            ...fields,
            request: NO_RETRY,
          });
          return true as const;
        },
        async () => ((await findCheckRun(sha, report.name)) === undefined ? undefined : true),
      );
    },

    async openPullRequest(input) {
      const target = parseRepoName(input.repo);
      const head = qualifyHead(input.head, target.owner);
      const base = assertSafeRefName(input.base, "pull request base branch");
      const find = async (): Promise<PullRequestRecord | undefined> => {
        const pulls = await list("GET /repos/{owner}/{repo}/pulls", { ...target, head, base, state: "open" });
        // Filter again: GitHub ignores a `head` filter it cannot parse and would list every open pull request.
        const found = pulls.find((pr) => pr.head.label.toLowerCase() === head.toLowerCase() && pr.base.ref === base);
        return found && { number: found.number, url: found.html_url };
      };
      const open = await find();
      if (open) return open;
      const post = async (): Promise<PullRequestRecord> => {
        try {
          const { data } = await call("POST /repos/{owner}/{repo}/pulls", {
            ...target,
            head: input.head,
            base,
            title: input.title,
            body: fitBody(input.body),
            request: NO_RETRY,
          });
          return { number: data.number, url: data.html_url };
        } catch (error) {
          // "A pull request already exists for …": opened meanwhile; return that one.
          const existing = statusOf(error) === 422 ? await find() : undefined;
          if (existing) return existing;
          throw error;
        }
      };
      return writeAtMostTwice(`opening a pull request ${head} → ${input.repo}:${base}`, post, find);
    },
  };
}

/** The check run summary: the report's text, then each problem as `code: message` (inert: messages quote tags). */
function renderSummary(report: CheckRunReport): string {
  const problems = (report.problems ?? []).map((p) => `- ${renderText(p.code)}: ${renderText(p.message)}`);
  return fitBody(problems.length === 0 ? report.summary : `${report.summary}\n\n${problems.join("\n")}`);
}
