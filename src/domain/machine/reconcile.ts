// What the cycle asks for at this moment, whatever the event: tag checks, automatic steps, the pull
// request mail, merge notices, reminders, weekly tests. Everything keyed, so repeating it adds nothing.
import type { TagFacts } from "../facts.ts";
import { versionOfStable } from "../cycle.ts";
import type { Context } from "./transition.ts";
import { autoRebaseKey, currentStable, proposalKey, proposeTag, stableRefusal } from "./commands.ts";
import { parseWithTemplate } from "../names.ts";
import { hasPassed, hasReached } from "../process.ts";
import { deriveReminders } from "../reminders.ts";
import { WEEKDAYS } from "../settings.ts";
import { deriveSteps, findWindowTag, isComplete } from "../steps.ts";
import { addDays, calendarDayOf, DAY_MS } from "../time.ts";
import { compareVersionNumbers } from "../version.ts";

export function reconcile(context: Context, isTick: boolean): void {
  reportTagChecks(context);
  runAutomaticSteps(context);
  postRequestPulls(context);
  noteMerges(context);
  remindFixes(context);
  const steps = deriveSteps(context.cycle, context.facts, context.log.memory);
  for (const reminder of deriveReminders({ ...context, steps })) {
    context.log.emit({ type: "comment", key: reminder.key, body: reminder.body });
  }
  if (isTick) dispatchWeeklyTests(context);
  const windowTag = findWindowTag(context.cycle, context.facts);
  if (windowTag?.mergedUpstream && context.log.has(`merged:${windowTag.name}`)) {
    context.log.emit({ type: "close-tracking-issue", key: "close" });
  }
}

/** Tags checked since the cycle began get a check run once per (tag, commit); bad ones optionally deleted. */
function reportTagChecks({ facts, log, settings, upstream }: Context): void {
  const since = upstream.cycleStart?.date.getTime() ?? 0;
  for (const tag of facts.tags) {
    if (!tag.check || tag.mergedUpstream || (tag.taggerDate?.getTime() ?? since) < since) continue;
    const key = `tag-check:${tag.name}@${tag.sha}`;
    log.emit({
      type: "report-tag-check",
      key,
      tag: tag.name,
      sha: tag.sha,
      valid: tag.check.valid,
      problems: tag.check.problems,
    });
    if (!tag.check.valid && settings.automation.deleteInvalidTags) {
      log.emit({ type: "delete-tag", key: `delete-tag:${tag.name}@${tag.object}`, tag: tag.name, object: tag.object });
    }
  }
}

function runAutomaticSteps(context: Context): void {
  const { cycle, facts, log, settings } = context;
  const steps = deriveSteps(cycle, facts, log.memory);
  const step = (id: (typeof steps)[number]["id"]) => steps.find((s) => s.id === id);
  const source = facts.source;
  // advice when the decision is due and a rebase would still be allowed
  const allowed = cycle.process.rebaseAllowed;
  if (
    source &&
    step("rebase-decision")?.state === "due" &&
    !hasPassed(allowed.until, cycle.where) &&
    !source.foreignMerges
  ) {
    log.emit({
      type: "advise-rebase",
      key: `advise-rebase:${cycle.rebaseOnto}`,
      branch: source.name,
      onto: cycle.rebaseOnto,
    });
  }
  // Only inside the allowed window, like the command: the rebase step can still be "due" after `until` (rc variants).
  if (
    settings.automation.rebase === "auto" &&
    source &&
    log.memory.rebaseDecision?.choice === "rebase" &&
    step("rebase")?.state === "due" &&
    hasReached(allowed.from, cycle.where) &&
    !hasPassed(allowed.until, cycle.where) &&
    !source.foreignMerges
  ) {
    log.emit({
      type: "rebase",
      key: autoRebaseKey(cycle.rebaseOnto),
      branch: source.name,
      onto: cycle.rebaseOnto,
      expectedSha: source.sha,
    });
  }
  if (
    settings.automation.createStable === "auto" &&
    source &&
    step("create-stable")?.state === "due" &&
    stableRefusal(context, isComplete(step("rebase-decision")) && isComplete(step("rebase"))) === null
  ) {
    log.emit({
      type: "create-branch",
      key: `create-branch:${cycle.stableBranch}`,
      name: cycle.stableBranch,
      sha: source.sha,
    });
  }
  const stable = facts.stableBranches.find((b) => b.name === cycle.stableBranch);
  if (stable && cycle.where.windowDay !== null && !isComplete(step("tag"))) {
    const key = proposalKey(stable.name, stable.sha);
    if (!log.has(key)) {
      const text = proposeTag(context, key);
      if (settings.signing.mode === "maintainer") log.emit({ type: "comment", key, body: text });
      else log.mark(key);
    }
  }
}

/** The [GIT PULL] mail for each valid, unmerged tag on the current stable branch, once per tag. */
function postRequestPulls(context: Context): void {
  const { cycle, facts, log, settings } = context;
  const branch = currentStable(context);
  if (!branch) return;
  const kind = branch === cycle.stableBranch ? "window" : "fixes";
  const version = versionOfStable(branch, settings);
  for (const tag of facts.tags) {
    if (tag.stableBranch !== branch || tag.check?.valid !== true || tag.mergedUpstream) continue;
    const base = requestPullBase(tag, branch, context);
    log.emit({ type: "post-request-pull", key: `request-pull:${tag.name}`, tag: tag.name, base, kind, version });
    if (kind === "window" && settings.pullRequest.openUpstreamPr) {
      log.emit({ type: "open-upstream-pr", key: `upstream-pr:${tag.name}`, tag: tag.name, base, version });
    }
  }
}

/**
 * The base a maintainer would use: for a follow-up fixes PR the previous tag on the same branch; else
 * the upstream tag the branch was built on.
 */
export function requestPullBase(tag: TagFacts, branch: string, { facts, cycle }: Context): string {
  const earlier = facts.tags
    .filter(
      (other) =>
        other.stableBranch === branch &&
        other.check?.valid === true &&
        other.name !== tag.name &&
        (other.taggerDate?.getTime() ?? 0) < (tag.taggerDate?.getTime() ?? 0),
    )
    .sort((a, b) => (a.taggerDate?.getTime() ?? 0) - (b.taggerDate?.getTime() ?? 0));
  const previous = earlier.at(-1);
  if (previous) return previous.name;
  return facts.stableBranches.find((b) => b.name === branch)?.base ?? cycle.rebaseOnto;
}

function noteMerges({ facts, log }: Context): void {
  for (const tag of facts.tags) {
    if (!tag.mergedUpstream || !log.has(`request-pull:${tag.name}`)) continue;
    log.emit({
      type: "comment",
      key: `merged:${tag.name}`,
      body: `\`${tag.name}\` has been merged upstream: ${tag.mergedUpstream.mergeCommit}.`,
    });
  }
}

function remindFixes({ cycle, facts, log, settings, now }: Context): void {
  const fixes = facts.stableBranches.find((b) => b.name === cycle.fixesBranch);
  if (!fixes || fixes.unsentCommits === 0 || !fixes.oldestUnsentAt) return;
  if (now.getTime() - fixes.oldestUnsentAt.getTime() < settings.cycle.fixesReminderDays * DAY_MS) return;
  log.emit({
    type: "comment",
    key: `fixes:${fixes.name}@${fixes.sha}`,
    body: `\`${fixes.name}\` has ${fixes.unsentCommits} fix(es) not yet sent (oldest from ${fixes.oldestUnsentAt.toISOString().slice(0, 10)}). Tag and send them so they make v${cycle.id}-rc${(cycle.where.rc ?? 0) + 1}: \`/merge-window tag\`.`,
  });
}

/** On the configured weekday (or later that week), once per ISO week: the source branch and the newest stable. */
function dispatchWeeklyTests({ facts, log, settings, now }: Context): void {
  if (!settings.tests.workflow) return;
  const today = calendarDayOf(now, settings.timeZone);
  const weekdayIndex = (new Date(`${today}T00:00:00Z`).getUTCDay() + 6) % 7; // Monday = 0
  if (weekdayIndex < WEEKDAYS.indexOf(settings.tests.weekday)) return;
  const monday = addDays(today, -weekdayIndex);
  const stable = newestStable(
    facts.stableBranches.map((b) => b.name),
    settings.branches.stable,
  );
  const targets = [
    ...(facts.source ? [{ ref: facts.source.name, sha: facts.source.sha }] : []),
    ...facts.stableBranches.filter((b) => b.name === stable).map((b) => ({ ref: b.name, sha: b.sha })),
  ];
  if (targets.length === 0) return;
  log.emit({ type: "dispatch-tests", key: `tests:week-of-${monday}`, targets });
}

function newestStable(names: readonly string[], template: string): string | undefined {
  const versioned = names.flatMap((name) => {
    const version = parseWithTemplate(template, name)?.fields.version;
    if (!version) return [];
    const [major = 0, minor = 0] = version.split(".").map(Number); // the template's {version} pattern: digits.digits
    return [{ name, version: { major, minor } }];
  });
  return versioned.sort((a, b) => compareVersionNumbers(a.version, b.version)).at(-1)?.name;
}
