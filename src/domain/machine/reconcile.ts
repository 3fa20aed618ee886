// What the cycle asks for at this moment, whatever the event: tag checks, automatic steps, the pull
// request mail, merge notices, reminders, weekly tests. Everything keyed, so repeating it adds nothing.
import { versionOfStable } from "../cycle.ts";
import { parseWithTemplate, renderName } from "../names.ts";
import { hasPassed, hasReached } from "../process.ts";
import { deriveReminders } from "../reminders.ts";
import { WEEKDAYS } from "../settings.ts";
import { findWindowTag, isComplete } from "../steps.ts";
import { addDays, calendarDayOf, DAY_MS } from "../time.ts";
import { compareVersionNumbers } from "../version.ts";
import { proposeTag } from "./proposal.ts";
import { autoRebaseKey, currentStable, proposalKey, requestPullBase, stableRefusal } from "./queries.ts";
import { updateSituation, type EffectLedger, type Situation } from "./situation.ts";

/**
 * Does what the cycle asks for in `situation`, the same for every event (level-triggered: the event only says
 * "look again"). Returns the situation after it: the posted mails can complete the request-pull step.
 */
export function reconcile(situation: Situation, ledger: EffectLedger, scheduled: boolean): Situation {
  reportTagChecks(situation, ledger);
  runAutomaticSteps(situation, ledger);
  postRequestPulls(situation, ledger);
  warnChangedTags(situation, ledger);
  noteMerges(situation, ledger);
  remindFixes(situation, ledger);
  const after = updateSituation(situation, ledger.memory);
  for (const reminder of deriveReminders(after)) {
    ledger.emit({ type: "comment", key: reminder.key, body: reminder.body });
  }
  if (scheduled) dispatchWeeklyTests(situation, ledger);
  const windowTag = findWindowTag(situation.cycle, situation.facts);
  if (windowTag?.mergedUpstream && ledger.has(`merged:${windowTag.name}`)) {
    ledger.emit({ type: "close-tracking-issue", key: "close" });
  }
  return after;
}

/** Tags checked since the cycle began get a check run once per tag object (a re-pointed tag is checked again). */
function reportTagChecks({ facts, settings, upstream }: Situation, ledger: EffectLedger): void {
  const since = upstream.cycleStart?.date.getTime() ?? 0;
  for (const tag of facts.tags) {
    if (!tag.check || tag.mergedUpstream || (tag.taggerDate?.getTime() ?? since) < since) continue;
    const key = `tag-check:${tag.name}@${tag.object}`;
    // GitHub attaches check runs to commits only: a tag of a tree or blob is reported in the tracking issue.
    if (!tag.target)
      ledger.emit({
        type: "report-tag-check",
        key,
        tag: tag.name,
        sha: tag.sha,
        valid: tag.check.valid,
        problems: tag.check.problems,
      });
    if (!tag.check.valid && settings.automation.deleteInvalidTags) {
      ledger.emit({
        type: "delete-tag",
        key: `delete-tag:${tag.name}@${tag.object}`,
        tag: tag.name,
        object: tag.object,
      });
    }
  }
}

function runAutomaticSteps(situation: Situation, ledger: EffectLedger): void {
  const { cycle, facts, settings, steps } = situation;
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
    ledger.emit({
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
    ledger.memory.rebaseDecision?.choice === "rebase" &&
    step("rebase")?.state === "due" &&
    hasReached(allowed.from, cycle.where) &&
    !hasPassed(allowed.until, cycle.where) &&
    !source.foreignMerges
  ) {
    ledger.emit({
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
    stableRefusal(situation) === null
  ) {
    ledger.emit({
      type: "create-branch",
      key: `create-branch:${cycle.stableBranch}`,
      name: cycle.stableBranch,
      sha: source.sha,
    });
  }
  const stable = facts.stableBranches.find((b) => b.name === cycle.stableBranch);
  if (stable && cycle.where.windowDay !== null && !isComplete(step("tag"))) {
    const key = proposalKey(stable.name, stable.sha);
    if (!ledger.has(key)) {
      const text = proposeTag(situation, ledger, key);
      if (settings.signing.mode === "maintainer") ledger.emit({ type: "comment", key, body: text });
      else ledger.mark(key);
    }
  }
}

/** The [GIT PULL] mail for each valid, unmerged tag on the current stable branch, once per tag. */
function postRequestPulls(situation: Situation, ledger: EffectLedger): void {
  const { cycle, facts, settings } = situation;
  const branch = currentStable(situation);
  if (!branch) return;
  const kind = branch === cycle.stableBranch ? "window" : "fixes";
  const version = versionOfStable(branch, settings);
  const upstreamPr = settings.pullRequest.openUpstreamPr;
  for (const tag of facts.tags) {
    if (tag.stableBranch !== branch || tag.check?.valid !== true || tag.mergedUpstream) continue;
    const base = requestPullBase(tag, branch, situation);
    const key = `request-pull:${tag.name}`;
    if (!ledger.has(key)) ledger.mark(mailedKey(tag.name, tag.object)); // which tag object the mail names
    ledger.emit({ type: "post-request-pull", key, tag: tag.name, base, kind, version });
    if (kind === "window" && upstreamPr) {
      ledger.emit({
        type: "open-upstream-pr",
        key: `upstream-pr:${tag.name}`,
        tag: tag.name,
        base,
        version,
        head: renderName(settings.branches.stable, { subsystem: settings.subsystem, version }, "stable branch"),
        repo: upstreamPr.repo,
        branch: upstreamPr.branch,
      });
    }
  }
}

/** The memory key saying the [GIT PULL] mail for `name` was written while the tag was the object `object`. */
function mailedKey(name: string, object: string): string {
  return `mailed:${name}@${object}`;
}

/** A mailed tag that was replaced, re-pointed or turned invalid since: said loudly, once per tag object. */
function warnChangedTags({ facts }: Situation, ledger: EffectLedger): void {
  for (const tag of facts.tags) {
    const mailed = ledger.memory.done.find((key) => key.startsWith(`mailed:${tag.name}@`));
    if (!mailed || !ledger.has(`request-pull:${tag.name}`)) continue;
    const replaced = !ledger.has(mailedKey(tag.name, tag.object));
    const invalid = tag.check?.valid === false;
    if (!replaced && !invalid) continue;
    const was = mailed.slice(mailed.lastIndexOf("@") + 1, mailed.lastIndexOf("@") + 13);
    const verdict = invalid ? `invalid now (${tag.check.problems.map((p) => p.code).join(", ")})` : "still valid";
    ledger.emit({
      type: "comment",
      key: `tag-changed:${tag.name}@${tag.object}`,
      body:
        `⚠️ **The tag \`${tag.name}\` named in the [GIT PULL] mail has changed** since the mail was written: it ` +
        `was the tag object ${was}, it is ${tag.object.slice(0, 12)} now ` +
        `(on ${tag.sha.slice(0, 12)}), ${verdict}. Do not send the old mail as it is.`,
    });
  }
}

function noteMerges({ facts }: Situation, ledger: EffectLedger): void {
  for (const tag of facts.tags) {
    if (!tag.mergedUpstream || !ledger.has(`request-pull:${tag.name}`)) continue;
    ledger.emit({
      type: "comment",
      key: `merged:${tag.name}`,
      body: `\`${tag.name}\` has been merged upstream: ${tag.mergedUpstream.mergeCommit}.`,
    });
  }
}

function remindFixes({ cycle, facts, settings, now }: Situation, ledger: EffectLedger): void {
  const fixes = facts.stableBranches.find((b) => b.name === cycle.fixesBranch);
  if (!fixes || fixes.unsentCommits === 0 || !fixes.oldestUnsentAt) return;
  if (now.getTime() - fixes.oldestUnsentAt.getTime() < settings.cycle.fixesReminderDays * DAY_MS) return;
  ledger.emit({
    type: "comment",
    key: `fixes:${fixes.name}@${fixes.sha}`,
    body:
      `\`${fixes.name}\` has ${fixes.unsentCommits} fix(es) not yet sent (oldest ` +
      `from ${fixes.oldestUnsentAt.toISOString().slice(0, 10)}). Tag and send them so they make ` +
      `v${cycle.openingRelease}-rc${(cycle.where.rc ?? 0) + 1}: \`/merge-window tag\`.`,
  });
}

/** On the configured weekday (or later that week), once per ISO week: the source branch and the newest stable. */
function dispatchWeeklyTests({ facts, settings, now }: Situation, ledger: EffectLedger): void {
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
  ledger.emit({ type: "dispatch-tests", key: `tests:week-of-${monday}`, targets });
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
