// Applies the machine's effects through the adapters, in order; on a dry run, only says what it would do.
// No decisions here: every "whether" was settled by transition(); this file only knows "how".
import type { SigningKey } from "./adapters/git/index.ts";
import { killPoint } from "./adapters/kill-point.ts";
import type { Config } from "./config/load.ts";
import type { Effect } from "./domain/effects.ts";
import { renderCode, renderCodeBlock, renderText } from "./domain/markdown.ts";
import { renderMailIntro, renderPullRequestMail, renderRequestPull, renderSubject } from "./domain/request-pull.ts";
import { settleBody, type EffectFailure } from "./domain/outcome.ts";
import { dateStampOf } from "./domain/time.ts";
import { fitBody, TRACKING_MARKER } from "./domain/tracking-issue.ts";
import { renderAdvice, renderRebaseResult, renderStableResult, renderTagResult } from "./domain/git-reports.ts";
import type { GitHubPort, GitPort, RequestPullSource } from "./ports.ts";

export interface ApplyDeps {
  readonly github: GitHubPort;
  readonly git: GitPort;
  readonly requestPull: RequestPullSource;
  readonly config: Config;
  readonly now: Date;
  /** The fetch URL printed in request-pull when the config gives none (the repository's clone URL). */
  readonly defaultPublicUrl: string;
  readonly signingKey: SigningKey | null;
  /** The head for an upstream pull request, `owner:branch`. */
  readonly owner: string;
  readonly log: (line: string) => void;
}

export interface ApplyReport {
  readonly applied: readonly Effect[];
  readonly failed: readonly { readonly effect: Effect; readonly error: string; readonly cause: unknown }[];
  readonly issueNumber: number | null;
  /** The tracking-issue body written by this run (with the memory as settled), null when none was written. */
  readonly writtenBody: string | null;
}

/**
 * Applies `effects` in order, each on its own: a failure is logged and the rest still run. The tracking-issue
 * update goes last with the memory settled from what actually happened (failed keys dropped, failures shown), so
 * the next run retries exactly what failed. Replies that only report a decision wait for that write.
 */
export async function applyEffects(
  effects: readonly Effect[],
  issue: number | null,
  deps: ApplyDeps,
): Promise<ApplyReport> {
  const applied: Effect[] = [];
  const failed: { effect: Effect; error: string; cause: unknown }[] = [];
  const held: Effect[] = [];
  let issueNumber = issue;
  let writtenBody: string | null = null;
  let memoryWrite: boolean | null = null;
  let update: Extract<Effect, { type: "update-tracking-issue" }> | null = null;
  const attempt = async (effect: Effect): Promise<boolean> => {
    try {
      const opened = await applyOne(effect, issueNumber, deps);
      if (opened !== undefined) issueNumber = opened;
      applied.push(effect);
      deps.log(`did ${describeEffect(effect)}`);
      killPoint(`effect:${effect.type}`);
      return true;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      failed.push({ effect, error: message, cause: error });
      deps.log(`failed to ${describeEffect(effect)}: ${message}`);
      return false;
    }
  };
  for (const effect of effects) {
    if (deps.config.dryRun) {
      deps.log(`dry-run: would ${describeEffect(effect)}`);
      continue;
    }
    if (effect.type === "reply" && effect.afterMemory) {
      held.push(effect);
      continue;
    }
    if (effect.type !== "update-tracking-issue") {
      await attempt(effect);
      continue;
    }
    update = effect;
    const body = settleBody(effect.body, failuresOf(failed), effect.handledBy);
    memoryWrite = await attempt({ ...effect, body });
    if (memoryWrite) writtenBody = body;
  }
  const before = failed.length;
  for (const reply of held) {
    if (memoryWrite === false) deps.log(`not posting ${describeEffect(reply)}: the tracking issue did not record it`);
    else await attempt(reply);
  }
  if (update && memoryWrite && failed.length > before) {
    // A decision reply failed after the memory recorded it: record it as not done, so a later run answers.
    const body = settleBody(update.body, failuresOf(failed), update.handledBy);
    if (await attempt({ ...update, body })) writtenBody = body;
  }
  return { applied, failed, issueNumber, writtenBody };
}

function failuresOf(failed: readonly { effect: Effect; error: string }[]): EffectFailure[] {
  return failed.map(({ effect, error }) => ({
    key: "key" in effect ? effect.key : null,
    what: describeEffect(effect),
    error,
  }));
}

async function applyOne(effect: Effect, issue: number | null, deps: ApplyDeps): Promise<number | void> {
  const { github, git, config } = deps;
  const tracking = (): number => {
    if (issue === null) throw new Error("no tracking issue to write to");
    return issue;
  };
  switch (effect.type) {
    case "open-tracking-issue":
      return github.openIssue({ title: effect.title, body: effect.body, label: effect.label, marker: TRACKING_MARKER });
    case "update-tracking-issue":
      return github.updateIssue(tracking(), { title: effect.title, body: effect.body });
    case "close-tracking-issue":
      return github.updateIssue(tracking(), { state: "closed" });
    case "comment":
      return github.upsertComment(tracking(), effect.key, effect.body);
    case "reply":
      return github.upsertComment(effect.issue, effect.key, effect.body);
    case "comment-pr":
      return github.upsertComment(effect.pr, effect.key, effect.body);
    case "label-pr":
      await github.addLabel(effect.pr, effect.label);
      return github.upsertComment(effect.pr, effect.key, effect.comment);
    case "advise-rebase": {
      const advice = await git.adviseRebase({
        nextBranch: effect.branch,
        onto: effect.onto,
        paths: config.upstream.subsystemPaths,
      });
      return github.upsertComment(tracking(), effect.key, renderAdvice(advice, effect.branch));
    }
    case "rebase": {
      const result = await git.rebaseNext({
        nextBranch: effect.branch,
        onto: effect.onto,
        expectedSha: effect.expectedSha,
        now: deps.now,
      });
      return github.upsertComment(tracking(), effect.key, renderRebaseResult(result, effect.branch));
    }
    case "create-branch": {
      const note = renderStableResult(await git.createStableBranch({ name: effect.name, sha: effect.sha }));
      if (note) await github.upsertComment(tracking(), effect.key, note);
      return;
    }
    case "create-tag": {
      if (!deps.signingKey)
        throw new Error("signing.mode is app but no signing key is configured (MERGE_WINDOW_SIGNING_KEY)");
      const note = renderTagResult(
        await git.createSignedTag({
          name: effect.name,
          message: effect.message,
          sha: effect.sha,
          signing: deps.signingKey,
        }),
      );
      if (note) await github.upsertComment(tracking(), effect.key, note);
      return;
    }
    case "report-tag-check":
      return github.reportCheckRun({
        sha: effect.sha,
        name: `merge-window / tag ${effect.tag}`,
        conclusion: effect.valid ? "success" : "failure",
        title: effect.valid
          ? `${effect.tag} is a valid pull-request tag`
          : `${effect.tag}: ${effect.problems.length} problem(s)`,
        // The adapter lists `problems` under the summary itself (one line per code); listing them here too doubled
        // them.
        summary: effect.valid
          ? "Name, date, signature, branch and message all check out."
          : `${renderCode(effect.tag)} cannot be sent as a pull-request tag until these are fixed:`,
        problems: effect.problems,
      });
    case "delete-tag": {
      // Said, then deleted, in words true before and after: a crash after the note leaves the tag, which the next
      // run deletes (the same key: still one note); a crash after the deletion leaves the note, which no later run
      // could write (the tag is gone). A tag gone before its facts are read is not reported "not-found" (observe.ts).
      const note =
        `Deleting the invalid tag ${renderCode(effect.tag)} (object ${effect.object.slice(0, 12)}; ` +
        "automation.deleteInvalidTags): fix it and push it again.";
      await github.upsertComment(tracking(), effect.key, note);
      killPoint("delete-tag:after-note");
      const result = await git.deleteTag(effect.tag, effect.object);
      if (result.status !== "deleted")
        await github.upsertComment(tracking(), `${effect.key}:kept`, renderText(result.message));
      return;
    }
    case "post-request-pull":
      return github.upsertComment(tracking(), effect.key, await renderMail(effect, deps));
    case "open-upstream-pr": {
      const mail = await renderMail({ ...effect, kind: "window" }, deps, false);
      await github.openPullRequest({
        repo: effect.repo,
        head: `${deps.owner}:${effect.head}`,
        base: effect.branch,
        title: subjectOf(effect.tag, effect.version, deps),
        body: mail,
      });
      return;
    }
    case "dispatch-tests":
      for (const target of effect.targets) await github.dispatchWorkflow(config.tests.workflow!, target);
      return;
  }
}

function subjectOf(tag: string, version: string, deps: ApplyDeps): string {
  return renderSubject(deps.config.pullRequest.subject, {
    subsystem: deps.config.subsystem,
    tag,
    version,
    date: dateStampOf(deps.now, deps.config.timeZone),
    rc: "",
  });
}

/** The whole [GIT PULL] mail, ready to send, in a fenced block so GitHub shows it verbatim. */
async function renderMail(
  effect: { tag: string; base: string; kind: "window" | "fixes"; version: string },
  deps: ApplyDeps,
  fenced = true,
): Promise<string> {
  const { config } = deps;
  const url = config.pullRequest.url ?? deps.defaultPublicUrl;
  const data = await deps.requestPull.collect({ base: effect.base, tag: effect.tag, url });
  const mail = renderPullRequestMail({
    subject: subjectOf(effect.tag, effect.version, deps),
    to: config.pullRequest.to,
    cc: config.pullRequest.cc,
    greeting: config.pullRequest.greeting,
    intro: renderMailIntro(config.subsystem, effect.kind, effect.version),
    signoff: config.pullRequest.signoff ?? "",
    body: renderRequestPull(data, config.pullRequest.style),
  });
  if (!fenced) return fitBody(mail);
  return fitBody(
    `**[GIT PULL] for ${renderCode(effect.tag)}** (base ${renderCode(effect.base)}), ready to send once you write one` +
      ` part by hand: replace \`<summary of the notable changes>\` with a few lines on what this pull brings.\n\n` +
      renderCodeBlock(mail, "text"),
  );
}

export function describeEffect(effect: Effect): string {
  switch (effect.type) {
    case "open-tracking-issue":
      return `open the tracking issue "${effect.title}"`;
    case "update-tracking-issue":
      return "update the tracking issue";
    case "close-tracking-issue":
      return "close the tracking issue";
    case "comment":
      return `comment ${effect.key}`;
    case "reply":
      return `reply on #${effect.issue}`;
    case "comment-pr":
      return `comment on #${effect.pr} (${effect.key})`;
    case "label-pr":
      return `label #${effect.pr} ${effect.label}`;
    case "advise-rebase":
      return `post rebase advice for ${effect.branch} onto ${effect.onto}`;
    case "rebase":
      return `rebase ${effect.branch} (${effect.expectedSha.slice(0, 12)}) onto ${effect.onto}`;
    case "create-branch":
      return `create ${effect.name} at ${effect.sha.slice(0, 12)}`;
    case "create-tag":
      return `sign and push ${effect.name} at ${effect.sha.slice(0, 12)}`;
    case "report-tag-check":
      return `report ${effect.tag}: ${effect.valid ? "valid" : effect.problems.map((p) => p.code).join(", ")}`;
    case "delete-tag":
      return `delete tag ${effect.tag}`;
    case "post-request-pull":
      return `post the [GIT PULL] mail for ${effect.tag} (base ${effect.base})`;
    case "open-upstream-pr":
      return `open an upstream pull request for ${effect.tag}`;
    case "dispatch-tests":
      return `dispatch the test workflow for ${effect.targets.map((target) => target.ref).join(", ")}`;
  }
}
