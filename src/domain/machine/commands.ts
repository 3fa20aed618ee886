// `/merge-window` commands: permission, preconditions and safety checks decided here; acting is an effect.
import { permits, renderHelp, type Command, type Permission } from "../commands.ts";
import { versionOfStable } from "../cycle.ts";
import type { Context, MachineEvent } from "./transition.ts";
import { nextFreeTagName, renderTemplate } from "../names.ts";
import { describePoint, hasPassed, hasReached } from "../process.ts";
import { deriveSteps, isComplete, newestValidTagOn } from "../steps.ts";
import { describeUpstream } from "../tracking-issue.ts";
import { dateStampOf } from "../time.ts";
import { compareVersionNumbers, formatVersionNumber } from "../version.ts";
import { requestPullBase } from "./reconcile.ts";

type CommandEvent = Extract<MachineEvent, { type: "command" }>;

const DESTRUCTIVE = new Set(["rebase", "create-stable"]);

export function handleCommand(event: CommandEvent, context: Context): void {
  const { log } = context;
  // Never react to bots, the app's own comments included: no reply, no action, no loop.
  if (event.actorIsBot) return;
  const handled = `command:${event.id}`;
  if (log.has(handled)) return; // a duplicate delivery of the same comment
  log.mark(handled);
  // The reply says what is about to happen, so it goes before the effects that do it.
  const at = log.effects.length;
  const reply = (body: string) =>
    log.emit({ type: "reply", key: `reply:${event.id}`, issue: event.issue, body: `@${event.actor} ${body}` }, at);
  if (!event.command.ok) {
    reply(`\`${event.command.text}\`: ${event.command.reason}. \`/merge-window help\` lists the commands.`);
    return;
  }
  const command = event.command.command;
  const needs: Permission = DESTRUCTIVE.has(command.name)
    ? context.settings.permissions.destructive
    : context.settings.permissions.commands;
  if (!permits(event.permission, needs)) {
    const has = event.permission === null ? "could not be verified" : `is ${event.permission}`;
    reply(
      `\`/merge-window ${command.name}\` needs ${needs} permission on this repository; yours ${has}. Nothing was done.`,
    );
    return;
  }
  reply(runCommand(command, event, context));
}

/** Carries out an allowed command and returns the reply's text. */
function runCommand(command: Command, event: CommandEvent, context: Context): string {
  const { cycle, facts, log, settings, now } = context;
  const source = facts.source;
  const stable = facts.stableBranches.find((branch) => branch.name === cycle.stableBranch);
  const steps = deriveSteps(cycle, facts, log.memory);
  const step = (id: (typeof steps)[number]["id"]) => steps.find((s) => s.id === id);
  switch (command.name) {
    case "help":
      return `commands (at the start of a line, in a new comment):\n${renderHelp()}`;
    case "status":
      return [describeUpstream(context.upstream), ...steps.map((s) => `- ${s.title}: ${s.state}, ${s.detail}`)].join(
        "\n",
      );
    case "skip-rebase":
      if (stable) return `\`${stable.name}\` already exists; there is nothing left to decide.`;
      log.remember({
        rebaseDecision: { choice: "skip", by: event.actor, at: now.toISOString(), sha: source?.sha ?? null },
      });
      return `recorded: \`${cycle.sourceBranch}\` is not rebased this cycle.`;
    case "rebase": {
      if (!source) return `there is no \`${cycle.sourceBranch}\` branch to rebase.`;
      if (source.foreignMerges)
        return `refused: \`${source.name}\` contains merges of others' history; rebasing would rewrite them. Rebase by hand if you must.`;
      if (source.base === cycle.rebaseOnto) return `\`${source.name}\` is already based on \`${cycle.rebaseOnto}\`.`;
      if (stable)
        return `refused: \`${stable.name}\` was already copied from \`${source.name}\`; rebasing now would split them.`;
      const allowed = cycle.process.rebaseAllowed;
      if (hasPassed(allowed.until, cycle.where)) {
        return `refused: rebases are allowed only until ${describePoint(allowed.until)} (\`${cycle.process.variant}\`), and that is past.`;
      }
      log.remember({ rebaseDecision: { choice: "rebase", by: event.actor, at: now.toISOString(), sha: source.sha } });
      if (!hasReached(allowed.from, cycle.where)) {
        const when = describePoint(allowed.from);
        return settings.automation.rebase === "auto"
          ? `recorded: \`${source.name}\` will be rebased onto \`${cycle.rebaseOnto}\` at ${when}.`
          : `recorded the decision to rebase; rebases are allowed from ${when}: comment \`/merge-window rebase\` again then.`;
      }
      log.emit({
        type: "rebase",
        key: `rebase:${event.id}`,
        branch: source.name,
        onto: cycle.rebaseOnto,
        expectedSha: source.sha,
      });
      log.mark(autoRebaseKey(cycle.rebaseOnto)); // this is the decided rebase: automation must not run it a second time
      return `rebasing \`${source.name}\` (${source.sha.slice(0, 12)}) onto \`${cycle.rebaseOnto}\`; a backup ref is pushed first and the result follows.`;
    }
    case "create-stable": {
      if (stable) return `\`${stable.name}\` already exists at ${stable.sha.slice(0, 12)}; it is never moved.`;
      if (!source) return `there is no \`${cycle.sourceBranch}\` branch to copy.`;
      const refusal = stableRefusal(context, isComplete(step("rebase-decision")) && isComplete(step("rebase")));
      if (refusal) return refusal;
      log.emit({
        type: "create-branch",
        key: `create-branch:${cycle.stableBranch}`,
        name: cycle.stableBranch,
        sha: source.sha,
      });
      return `creating \`${cycle.stableBranch}\` from \`${source.name}\` at ${source.sha.slice(0, 12)}.`;
    }
    case "tag": {
      // The proposal for the window's stable branch is then made: automation neither posts nor signs it again.
      const proposal = deriveTagProposal(context);
      if (proposal?.branch === cycle.stableBranch) log.mark(proposalKey(proposal.branch, proposal.sha));
      return proposeTag(context, `command:${event.id}`);
    }
    case "request-pull": {
      const branch = currentStable(context);
      const tag = branch ? newestValidTagOn(branch, facts) : null;
      if (!branch || !tag)
        return `there is no valid tag on ${branch ? `\`${branch}\`` : "a current stable branch"} yet.`;
      const kind = branch === cycle.stableBranch ? "window" : "fixes";
      log.emit({
        type: "post-request-pull",
        key: `request-pull:${tag.name}:${event.id}`,
        tag: tag.name,
        base: requestPullBase(tag, branch, context),
        kind,
        version: versionOfStable(branch, context.settings),
      });
      return `the [GIT PULL] request for \`${tag.name}\` follows.`;
    }
    case "version": {
      if (compareVersionNumbers(command.version, cycle.base) <= 0) {
        return `refused: ${formatVersionNumber(command.version)} is not after v${cycle.id}.`;
      }
      if (stable) return `refused: \`${stable.name}\` already exists; rename it by hand first if the number changed.`;
      log.remember({ versionOverride: formatVersionNumber(command.version) });
      return `recorded: the window after v${cycle.id} is for v${formatVersionNumber(command.version)}.`;
    }
  }
}

/** Why `stable-X.Y` cannot be created now, or null when it can. */
export function stableRefusal(context: Context, rebaseSettled: boolean): string | null {
  const { cycle } = context;
  if (!cycle.targetCertain) {
    const options = [cycle.target, ...cycle.targetAlternatives].map(formatVersionNumber).join(" or ");
    return `refused: the number of the next release is not settled (${options}); comment \`/merge-window version X.Y\` first.`;
  }
  if (!rebaseSettled)
    return "refused: the rebase decision is not settled (`/merge-window rebase` or `/merge-window skip-rebase`), or the rebase is not done.";
  const due = cycle.process.steps.find((s) => s.id === "create-stable")!.due;
  if (!hasReached(due, cycle.where))
    return `refused: too early, \`${cycle.stableBranch}\` is created from ${describePoint(due)}.`;
  return null;
}

/** Key of the automatic rebase once a maintainer decided to rebase onto `onto` (`automation.rebase: auto`). */
export function autoRebaseKey(onto: string): string {
  return `rebase:auto:${onto}`;
}

/** Key of the automatic tag proposal (or app signing) for `branch` at `sha`. */
export function proposalKey(branch: string, sha: string): string {
  return `propose-tag:${branch}@${sha}`;
}

/** The stable branch a tag or request-pull is for now: this window's, or the one taking -rc fixes. */
export function currentStable(context: Context): string | null {
  const { cycle, facts } = context;
  const branch = cycle.where.windowDay !== null ? cycle.stableBranch : cycle.fixesBranch;
  return branch && facts.stableBranches.some((b) => b.name === branch) ? branch : null;
}

/** The tag a maintainer would sign now: the next free name on the current stable branch, its message and commit. */
export interface TagProposal {
  readonly branch: string;
  readonly sha: string;
  readonly name: string;
  readonly message: string;
}

/**
 * The next tag on the current stable branch (null when there is none): `{date}` is `date` (default: today in
 * the configured zone), and the name avoids every name in `existing` (default: the family tags in the facts).
 */
export function deriveTagProposal(
  context: Context,
  options: { date?: string; existing?: Iterable<string> } = {},
): TagProposal | null {
  const { facts, settings, now } = context;
  const branchName = currentStable(context);
  const branch = facts.stableBranches.find((b) => b.name === branchName);
  if (!branch) return null;
  const version = versionOfStable(branch.name, settings);
  const date = options.date ?? dateStampOf(now, settings.timeZone);
  const fields = { subsystem: settings.subsystem, date, version, rc: String(context.upstream.rc ?? 1) };
  const name = nextFreeTagName(settings.tags.name, fields, options.existing ?? facts.tags.map((tag) => tag.name));
  return { branch: branch.name, sha: branch.sha, name, message: renderTemplate(settings.tags.message, fields) };
}

/**
 * Proposes (maintainer signs: the exact commands) or creates (app key) the next tag on the current
 * stable branch; returns the text for the maintainer.
 */
export function proposeTag(context: Context, key: string): string {
  const proposal = deriveTagProposal(context);
  if (!proposal) return "there is no current stable branch to tag yet.";
  const { name, message, branch, sha } = proposal;
  if (context.settings.signing.mode === "app") {
    context.log.emit({ type: "create-tag", key: `create-tag:${key}`, name, message, sha });
    return `signing \`${name}\` on \`${branch}\` at ${sha.slice(0, 12)} with the app's key.`;
  }
  return renderTagCommands(name, message, branch, sha);
}

/** The exact commands a maintainer runs to sign and push the proposed tag. */
export function renderTagCommands(name: string, message: string, branch: string, sha: string): string {
  return [
    `proposed tag for \`${branch}\` (${sha.slice(0, 12)}): sign and push it with`,
    "```sh",
    ...buildTagCommandLines(name, message, branch, sha),
    "```",
    "merge-window checks it when it arrives and then writes the [GIT PULL] request.",
  ].join("\n");
}

/** `git fetch`, `git tag -s` and `git push` for the proposed tag, one shell command per line. */
export function buildTagCommandLines(name: string, message: string, branch: string, sha: string): string[] {
  return [
    `git fetch origin ${branch}`,
    `git tag -s -m ${shellQuote(message)} ${name} ${sha}`,
    `git push origin ${name}`,
  ];
}

/** POSIX single-quoting: the message template is free text from the config. */
function shellQuote(text: string): string {
  return /^[A-Za-z0-9._/:+-]+$/.test(text) ? text : `'${text.replaceAll("'", "'\\''")}'`;
}
