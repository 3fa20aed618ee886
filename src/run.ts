// The one orchestration shared by webhooks, the schedule and the sandbox: observe → derive → decide → apply.
import { createHash } from "node:crypto";
import { applyEffects, describeEffect, type ApplyReport } from "./apply.ts";
import type { Clock } from "./adapters/clock.ts";
import type { SigningKey } from "./adapters/git/index.ts";
import {
  DEFAULT_CONFIG_PATH,
  formatConfigErrors,
  parseConfig,
  type Config,
  type ConfigError,
  type ConfigResult,
} from "./config/load.ts";
import { findCommand } from "./domain/commands.ts";
import { InputError } from "./domain/errors.ts";
import type { Effect } from "./domain/effects.ts";
import { isTestsWorkflow, type MachineEvent } from "./domain/machine/events.ts";
import { deriveSituation } from "./domain/machine/situation.ts";
import { quietKey } from "./domain/machine/commands.ts";
import { transition, type Transition } from "./domain/machine/transition.ts";
import { parseMeta, type TrackingIssue } from "./domain/tracking-issue.ts";
import { observeFacts } from "./observe.ts";
import { findCommandsElsewhere, settleCommandsElsewhere, toCommandEvent } from "./commands-elsewhere.ts";
import type { RepoFacts } from "./domain/facts.ts";
import type { GitHubPort, GitPort, RequestPullSource, Trigger } from "./ports.ts";
import type { KeyValueStore } from "./adapters/store.ts";
import type { BackupCleanupReport } from "./cleanup-backups.ts";

/** The scheduled job (src/app/schedule.ts) whose tick runs the backup cleanup instead of the cycle. */
export const BACKUP_CLEANUP_JOB = "cleanup-backups";

export interface RunDeps {
  readonly github: GitHubPort;
  /** Prepares the repository's git workspace for this config (upstream source, mirror) and returns its ports. */
  readonly openGit: (config: Config) => Promise<OpenedGit>;
  readonly clock: Clock;
  readonly configs: ConfigMemory;
  readonly owner: string;
  readonly repo: string;
  readonly defaultPublicUrl: string;
  readonly signingKey: SigningKey | null;
  readonly log: (line: string) => void;
  /** What runs remember between them: the cycle issue's number, whether its thread was scanned clean. */
  readonly store?: KeyValueStore;
  /** The daily backup cleanup of this repository under its policy (the app's job `cleanup-backups`). */
  readonly cleanupBackups?: (config: Config, now: Date) => Promise<BackupCleanupReport>;
}

export interface OpenedGit {
  readonly git: GitPort;
  readonly requestPull: RequestPullSource;
  /** The repository's SSH allowed_signers file written to disk, when the config names one. */
  readonly allowedSignersFile?: string;
  /** False when GitHub's refs and upstream's mirror had not moved since the last observation: nothing to fetch. */
  readonly fetched?: boolean;
  /** Called once the observation succeeded: the ref state it saw needs no fetch next time. */
  readonly observed?: () => Promise<void>;
}

export type RunOutcome =
  | { readonly status: "ignored"; readonly reason: string }
  | { readonly status: "config-error"; readonly errors: readonly ConfigError[] }
  | { readonly status: "backups"; readonly report: BackupCleanupReport }
  | {
      readonly status: "done";
      readonly effects: readonly Effect[];
      readonly report: ApplyReport;
      readonly view: Transition["view"];
    };

/** The last good configuration per repository: a bad file is reported, and the app keeps going on the old one. */
export class ConfigMemory {
  private readonly good = new Map<string, Config>();
  private readonly reported = new Set<string>();
  get(repo: string): Config | undefined {
    return this.good.get(repo);
  }
  set(repo: string, config: Config): void {
    this.good.set(repo, config);
  }
  /** True the first time this exact error text is seen for the repository (report once, not on every tick). */
  firstReport(repo: string, text: string): boolean {
    const key = `${repo}\n${text}`;
    if (this.reported.has(key)) return false;
    this.reported.add(key);
    return true;
  }
}

/**
 * Why `trigger` needs no run at all: a comment with no command, or from a bot (the app itself included).
 * Callers check it before any request (an installation token included); null when the trigger needs a run.
 */
export function findIgnoreReason(trigger: Trigger): string | null {
  if (trigger.kind !== "comment") return null;
  if (trigger.actorIsBot) return "comment by a bot";
  if (findCommand(trigger.body) === null) return "no command in the comment";
  return null;
}

export async function run(trigger: Trigger, deps: RunDeps): Promise<RunOutcome> {
  const ignored = findIgnoreReason(trigger);
  if (ignored !== null) return { status: "ignored", reason: ignored };
  // A run that throws or leaves an effect failed may have lost a command: the next one scans the threads again.
  let completed = false;
  try {
    const outcome = await runTrigger(trigger, deps);
    completed = outcome.status === "ignored" || (outcome.status === "done" && outcome.report.failed.length === 0);
    return outcome;
  } finally {
    await settleCommandsElsewhere(deps, completed);
  }
}

async function runTrigger(trigger: Trigger, deps: RunDeps): Promise<RunOutcome> {
  const now = deps.clock.now();
  const config = await loadConfig(trigger, deps);
  if ("errors" in config) return { status: "config-error", errors: config.errors };
  // Not the cycle's business: its own policy, its own log lines (what was deleted, what would be, what is kept).
  if (trigger.kind === "tick" && trigger.job === BACKUP_CLEANUP_JOB) {
    if (!deps.cleanupBackups) return { status: "ignored", reason: "no backup cleanup here" };
    const report = await deps.cleanupBackups(config.config, now);
    const mode = config.config.backups.cleanup;
    for (const line of report.lines) deps.log(`${deps.owner}/${deps.repo}: backup cleanup (${mode}): ${line}`);
    return { status: "backups", report };
  }

  // The event first: a trigger that is nothing to us (another workflow's run) costs no git work.
  const event = await buildEvent(trigger, deps, config.config);
  if (!event) return { status: "ignored", reason: `nothing to do for ${trigger.kind}` };
  const opened = await deps.openGit(config.config);
  const { git, allowedSignersFile } = opened;
  const { facts } = await observeFacts(git, config.config, now, {
    ...(allowedSignersFile ? { allowedSignersFile } : {}),
    fetch: opened.fetched ?? true,
  });
  await opened.observed?.();
  const { issue, threadChanged, remember } = await locateCycleIssue(
    deps,
    config.config.trackingIssue.label,
    deriveSituation({ facts, memory: null }, config.config, now).situation.cycle.openingRelease,
  );

  // GitHub is the durable log: commands in the tracking issue that no run completed are taken up first, once each.
  const pending = await findPendingCommands(issue, trigger, deps, threadChanged);
  // And in the other threads the app answers in, once per process and after a run that did not complete.
  const own = trigger.kind === "comment" ? trigger.commentId : null;
  const elsewhere = await findCommandsElsewhere(issue, own, deps, now);
  const cycle = { issue, remember, config: config.config, now, facts, git, requestPull: opened.requestPull };
  return runEvents([...pending, ...elsewhere, event], cycle, deps);
}

/** Each event in turn through the machine and its effects, each seeing the tracking issue the previous one left. */
async function runEvents(
  events: readonly MachineEvent[],
  cycle: {
    readonly issue: TrackingIssue | null;
    readonly remember: (number: number) => Promise<void>;
    readonly config: Config;
    readonly now: Date;
    readonly facts: RepoFacts;
    readonly git: GitPort;
    readonly requestPull: RequestPullSource;
  },
  deps: RunDeps,
): Promise<Extract<RunOutcome, { status: "done" }>> {
  const { issue, remember, config, now, facts, git, requestPull } = cycle;
  let current = issue;
  let last: { result: Transition; report: ApplyReport } | null = null;
  const ran: { result: Transition; report: ApplyReport }[] = [];
  const effects: Effect[] = [];
  for (const next of events) {
    const memory = current ? parseMeta(current.body) : null;
    const result = transition({ facts, memory, issue: current }, next, config, now);
    for (const effect of result.effects) deps.log(`${deps.owner}/${deps.repo}: ${describeEffect(effect)}`);
    const report = await applyEffects(result.effects, current?.number ?? null, {
      github: deps.github,
      git,
      requestPull,
      config,
      now,
      defaultPublicUrl: deps.defaultPublicUrl,
      signingKey: deps.signingKey,
      owner: deps.owner,
      log: (line) => deps.log(`${deps.owner}/${deps.repo}: ${line}`),
    });
    effects.push(...result.effects);
    last = { result, report };
    ran.push(last);
    current = nextIssueState(current, result, report);
  }
  if (current && current.number !== issue?.number) await remember(current.number);
  const { result } = last!;
  const reports = ran.map((entry) => entry.report);
  const report: ApplyReport = {
    ...last!.report,
    applied: reports.flatMap((r) => r.applied),
    failed: reports.flatMap((r) => r.failed),
  };
  return { status: "done", effects, report, view: result.view };
}

/** The tracking issue as the next event of the same run sees it: what this run wrote (or failed to write). */
function nextIssueState(issue: TrackingIssue | null, result: Transition, report: ApplyReport): TrackingIssue | null {
  if (report.issueNumber === null) return issue;
  const opened = result.effects.find((effect) => effect.type === "open-tracking-issue");
  const body = report.writtenBody ?? (issue === null && opened ? opened.body : issue?.body);
  if (body === undefined) return issue;
  const title = result.state.issue?.title ?? issue?.title ?? "";
  return { number: report.issueNumber, title, body, open: issue?.open ?? true, trusted: true };
}

/**
 * Commands in the cycle's tracking issue that memory does not record as handled (a crash, a failed run, a lost
 * delivery), oldest first, as command events: permission is read now. The trigger's own comment is left to it.
 */
async function findPendingCommands(
  issue: TrackingIssue | null,
  trigger: Trigger,
  deps: RunDeps,
  threadChanged: boolean,
): Promise<MachineEvent[]> {
  const memory = issue ? parseMeta(issue.body) : null;
  if (!issue || !memory) return [];
  // No comment but the app's own since a scan that found nothing pending: nothing to scan again.
  const clean = `comment-scan:${deps.owner}/${deps.repo}:${issue.number}`;
  if (!threadChanged && deps.store && (await deps.store.get<boolean>(clean)) === true) return [];
  const own = trigger.kind === "comment" ? trigger.commentId : null;
  const events: MachineEvent[] = [];
  for (const comment of await deps.github.listThreadComments(issue.number)) {
    // Done and answered is settled; done without an answer lost its reply to a crash (the machine answers again).
    const done = memory.done.includes(`command:${comment.id}`);
    if (comment.id === own || comment.actorIsBot || (done && comment.answered)) continue;
    if (memory.done.includes(quietKey(comment.id))) continue; // held back by the reply budget: settled
    const command = findCommand(comment.body);
    if (command === null) continue;
    deps.log(
      `${deps.owner}/${deps.repo}: taking up the unhandled command in comment ${comment.id} on #${issue.number}`,
    );
    events.push(await toCommandEvent({ ...comment, issue: issue.number }, command, deps.github));
  }
  // A comment trigger's own command is settled later in this run (its reply may fail): not clean until rescanned.
  await deps.store?.set(clean, events.length === 0 && own === null);
  return events;
}

/**
 * This cycle's tracking issue, found once and then remembered by number: later runs read that one issue
 * (conditionally: a 304 when unchanged) and list the label's issues again only when it is gone, moved, no longer
 * this cycle's, or came back changed and closed. `threadChanged` is true when the issue came from the listing.
 */
async function locateCycleIssue(
  deps: RunDeps,
  label: string,
  openingRelease: string,
): Promise<{
  issue: TrackingIssue | null;
  threadChanged: boolean;
  remember: (number: number) => Promise<void>;
}> {
  const key = `tracking-issue:${deps.owner}/${deps.repo}:${label}:${openingRelease}`;
  const remember = async (number: number) => deps.store?.set(key, number);
  const known = deps.store ? await deps.store.get<number>(key) : undefined;
  if (known !== undefined) {
    const read = await deps.github.readIssue(known);
    const ours = read?.issue.trusted && parseMeta(read.issue.body)?.openingRelease === openingRelease;
    if (read && ours && (read.issue.open || !read.changed))
      return { issue: read.issue, threadChanged: read.threadChanged, remember };
  }
  const issue = findCycleIssue(await deps.github.listTrackingIssues(label), openingRelease);
  if (issue) await remember(issue.number);
  else await deps.store?.delete(key);
  return { issue, threadChanged: true, remember };
}

/** This cycle's tracking issue: authored by the app (trusted) and carrying this cycle's metadata. */
export function findCycleIssue(issues: readonly TrackingIssue[], openingRelease: string): TrackingIssue | null {
  return issues.find((issue) => issue.trusted && parseMeta(issue.body)?.openingRelease === openingRelease) ?? null;
}

async function loadConfig(trigger: Trigger, deps: RunDeps): Promise<{ config: Config } | { errors: ConfigError[] }> {
  const key = `${deps.owner}/${deps.repo}`;
  const parsed = await readConfig(deps.github);
  if (parsed === null) {
    return {
      errors: [
        {
          file: DEFAULT_CONFIG_PATH,
          key: "",
          message:
            "not found on the default branch; merge-window does nothing until it exists (see config/selinux.yml)",
        },
      ],
    };
  }
  if (parsed.ok) {
    deps.configs.set(key, parsed.config);
    return { config: parsed.config };
  }
  const message = formatConfigErrors(parsed.errors);
  const lastGood = deps.configs.get(key);
  const fallback = lastGood ? "keeping the last good configuration" : "no good configuration yet";
  deps.log(`${key}: ${DEFAULT_CONFIG_PATH} is invalid; ${fallback}:\n${message}`);
  if (deps.configs.firstReport(key, message)) await reportConfigErrors(trigger, message, lastGood, deps);
  return lastGood ? { config: lastGood } : { errors: parsed.errors };
}

/**
 * The file parsed; null when absent. A file the adapter refuses to read (a directory, too large, not UTF-8) is a config
 * error too.
 */
async function readConfig(github: GitHubPort): Promise<ConfigResult | null> {
  let text: string | null;
  try {
    text = await github.readConfigFile(DEFAULT_CONFIG_PATH);
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    return { ok: false, errors: [{ file: DEFAULT_CONFIG_PATH, key: "", message: error.message }] };
  }
  return text === null ? null : parseConfig(text, { file: DEFAULT_CONFIG_PATH });
}

async function reportConfigErrors(
  trigger: Trigger,
  message: string,
  lastGood: Config | undefined,
  deps: RunDeps,
): Promise<void> {
  const consequence = lastGood
    ? "merge-window keeps working with the last good configuration."
    : "merge-window does nothing until the file is fixed.";
  const summary = `${message}\n\n${consequence}`;
  if (trigger.kind === "push" && trigger.ref.startsWith("refs/heads/") && /^[0-9a-f]{40}$/.test(trigger.sha)) {
    await deps.github.reportCheckRun({
      sha: trigger.sha,
      name: "merge-window / config",
      conclusion: "failure",
      title: `${DEFAULT_CONFIG_PATH} is invalid`,
      summary,
    });
  }
  if (lastGood) {
    const issues = await deps.github.listTrackingIssues(lastGood.trackingIssue.label);
    const open = issues.find((issue) => issue.trusted && issue.open);
    if (open)
      await deps.github.upsertComment(
        open.number,
        `config-error:${hash(message)}`,
        `**${DEFAULT_CONFIG_PATH} is invalid**\n\n\`\`\`\n${summary}\n\`\`\``,
      );
  }
}

/** A short stable key for a message: the same errors update one comment, new errors get a new one. */
function hash(text: string): string {
  return createHash("sha256").update(text).digest("hex").slice(0, 16);
}

/**
 * The machine's event for a trigger (null: nothing to us). Ticks, pushes and new upstream tags are all the same
 * hint to reconcile; only what a decision reads is carried (a command's permission, a pull request's commits).
 */
async function buildEvent(trigger: Trigger, deps: RunDeps, config: Config): Promise<MachineEvent | null> {
  switch (trigger.kind) {
    case "tick":
      return { type: "reconcile", scheduled: trigger.upstreamTag === undefined };
    case "push":
      return { type: "reconcile", scheduled: false };
    case "comment": {
      // Permission is read now, when the command runs, never from the payload or a cache; unknown fails closed.
      const permission = await deps.github.getPermission(trigger.actor);
      return {
        type: "command",
        id: String(trigger.commentId),
        issue: trigger.issue,
        actor: trigger.actor,
        actorIsBot: trigger.actorIsBot,
        permission,
        command: findCommand(trigger.body)!,
        // The thread is listed anyway (the reply is posted once, by its marker): its replies cost no request.
        threadReplies: await deps.github.listAppReplies(trigger.issue),
      };
    }
    case "pull-request": {
      const { kind: _kind, ...pr } = trigger;
      return { type: "pull-request", pr, commitMessages: await deps.github.listPullRequestCommitMessages(pr.number) };
    }
    case "workflow-run":
      if (!isTestsWorkflow(trigger.path, config)) return null;
      return {
        type: "checks-finished",
        ref: trigger.branch,
        sha: trigger.sha,
        conclusion: trigger.conclusion,
        url: trigger.url,
      };
  }
}
