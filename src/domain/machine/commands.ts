// `/merge-window` commands: permission, preconditions and safety checks decided here; acting is an effect.
import { permits, renderHelp, type Command, type Permission } from "../commands.ts";
import { renderCode } from "../markdown.ts";
import { versionOfStable } from "../cycle.ts";
import { describePoint, hasPassed, hasReached } from "../process.ts";
import { newestValidTagOn } from "../steps.ts";
import { describeUpstream } from "../tracking-issue.ts";
import { compareVersionNumbers, formatVersionNumber } from "../version.ts";
import type { Effect } from "../effects.ts";
import type { CommandEvent } from "./events.ts";
import { proposeTag } from "./proposal.ts";
import {
  autoRebaseKey,
  currentStable,
  deriveTagProposal,
  proposalKey,
  requestPullBase,
  stableRefusal,
} from "./queries.ts";
import type { EffectLedger, Situation } from "./situation.ts";
import { decideVersion } from "./version-settle.ts";
import { replyBudgetExceeded, replyKey, type ReplyKind } from "../reply-budget.ts";

const DESTRUCTIVE = new Set(["rebase", "create-stable"]);

export function handleCommand(event: CommandEvent, situation: Situation, ledger: EffectLedger): void {
  // Never react to bots, the app's own comments included: no reply, no action, no loop.
  if (event.actorIsBot) return;
  const handled = `command:${event.id}`;
  // Recorded as handled but never answered (the app died between the memory write and the reply): answer now.
  // Its effects are done (their keys are), so running it again only brings back the reply.
  const lostReply = ledger.has(handled) && event.answered === false;
  // Held back by the thread's reply budget: settled, neither run nor answered, never taken up again.
  if (ledger.has(quietKey(event.id))) return;
  if (ledger.has(handled) && !lostReply) return; // a duplicate delivery of the same comment
  ledger.mark(handled);
  // The reply says what is about to happen, so it goes before the effects that do it.
  const at = ledger.effects.length;
  const reply = (body: string, kind: ReplyKind = "answer") => {
    const key = replyKey(event.id, kind, event.actor);
    const effect: Effect = { type: "reply", key, issue: event.issue, body: `@${event.actor} ${body}` };
    if (lostReply) ledger.effects.splice(at, 0, effect);
    else ledger.emit({ ...effect, key }, at);
  };
  // A thread that had its replies this hour (a loop, a flood, repeated denials) gets none, and nothing runs.
  const overBudget = (kind: ReplyKind) => {
    if (replyBudgetExceeded(event.threadReplies ?? [], kind, event.actor, situation.now) === null) return false;
    ledger.mark(quietKey(event.id));
    return true;
  };
  if (!event.command.ok) {
    if (overBudget("answer")) return;
    reply(`${renderCode(event.command.text)}: ${event.command.reason}. \`/merge-window help\` lists the commands.`);
    return;
  }
  const command = event.command.command;
  const needs: Permission = DESTRUCTIVE.has(command.name)
    ? situation.settings.permissions.destructive
    : situation.settings.permissions.commands;
  if (!permits(event.permission, needs)) {
    // A permission GitHub could not tell (a 5xx) is no one's fault: answered like any command, not as a denial.
    const kind: ReplyKind = event.permission === null ? "answer" : "denial";
    if (overBudget(kind)) return;
    const has = event.permission === null ? "could not be verified" : `is ${event.permission}`;
    reply(
      `\`/merge-window ${command.name}\` needs ${needs} permission on this repository; yours ${has}. Nothing was done.`,
      kind,
    );
    return;
  }
  if (overBudget("answer")) return;
  reply(runCommand(command, event, situation, ledger));
}

/** The memory key of a command held back by its thread's reply budget (pending-command scans skip it). */
export function quietKey(commentId: string | number): string {
  return `quiet:${commentId}`;
}

/** Carries out an allowed command and returns the reply's text. */
function runCommand(command: Command, event: CommandEvent, situation: Situation, ledger: EffectLedger): string {
  const { cycle, facts, settings, now, steps } = situation;
  const source = facts.source;
  const stable = facts.stableBranches.find((branch) => branch.name === cycle.stableBranch);
  switch (command.name) {
    case "help":
      return `commands (at the start of a line, in a new comment):\n${renderHelp()}`;
    case "status":
      return [describeUpstream(situation.upstream), ...steps.map((s) => `- ${s.title}: ${s.state}, ${s.detail}`)].join(
        "\n",
      );
    case "skip-rebase":
      if (stable) return `\`${stable.name}\` already exists; there is nothing left to decide.`;
      ledger.remember({
        rebaseDecision: { choice: "skip", by: event.actor, at: now.toISOString(), sha: source?.sha ?? null },
      });
      return `recorded: \`${cycle.sourceBranch}\` is not rebased this cycle.`;
    case "rebase": {
      if (!source) return `there is no \`${cycle.sourceBranch}\` branch to rebase.`;
      if (source.foreignMerges)
        return (
          `refused: \`${source.name}\` contains merges of others' history; rebasing would rewrite them. Rebase ` +
          `by hand if you must.`
        );
      if (source.base === cycle.rebaseOnto) {
        // Taken up again after an interruption: the reply promised a result, so the result is posted (once, by key).
        if (event.answered)
          ledger.emit({
            type: "comment",
            key: `rebase:${event.id}`,
            body:
              `\`${source.name}\` is rebased onto \`${cycle.rebaseOnto}\` (now ${source.sha.slice(0, 12)}); the ` +
              `run that did it was interrupted before its summary. The backup ref is kept.`,
          });
        return `\`${source.name}\` is already based on \`${cycle.rebaseOnto}\`.`;
      }
      if (stable)
        return `refused: \`${stable.name}\` was already copied from \`${source.name}\`; rebasing now would split them.`;
      const allowed = cycle.process.rebaseAllowed;
      if (hasPassed(allowed.until, cycle.where)) {
        return (
          `refused: rebases are allowed only until ${describePoint(allowed.until)} ` +
          `(\`${cycle.process.variant}\`), and that is past.`
        );
      }
      ledger.remember({
        rebaseDecision: { choice: "rebase", by: event.actor, at: now.toISOString(), sha: source.sha },
      });
      if (!hasReached(allowed.from, cycle.where)) {
        const when = describePoint(allowed.from);
        return settings.automation.rebase === "auto"
          ? `recorded: \`${source.name}\` will be rebased onto \`${cycle.rebaseOnto}\` at ${when}.`
          : `recorded the decision to rebase; rebases are allowed from ${when}: ` +
              "comment `/merge-window rebase` again then.";
      }
      ledger.emit({
        type: "rebase",
        key: `rebase:${event.id}`,
        branch: source.name,
        onto: cycle.rebaseOnto,
        expectedSha: source.sha,
      });
      // This is the decided rebase: automation must not run it a second time.
      ledger.mark(autoRebaseKey(cycle.rebaseOnto));
      return (
        `rebasing \`${source.name}\` (${source.sha.slice(0, 12)}) onto \`${cycle.rebaseOnto}\`; a backup ref is ` +
        `pushed first and the result follows.`
      );
    }
    case "create-stable": {
      if (stable) return `\`${stable.name}\` already exists at ${stable.sha.slice(0, 12)}; it is never moved.`;
      if (!source) return `there is no \`${cycle.sourceBranch}\` branch to copy.`;
      const refusal = stableRefusal(situation);
      if (refusal) return refusal;
      ledger.emit({
        type: "create-branch",
        key: `create-branch:${cycle.stableBranch}`,
        name: cycle.stableBranch,
        sha: source.sha,
      });
      return `creating \`${cycle.stableBranch}\` from \`${source.name}\` at ${source.sha.slice(0, 12)}.`;
    }
    case "tag": {
      // The proposal for the window's stable branch is then made: automation neither posts nor signs it again.
      const proposal = deriveTagProposal(situation);
      if (proposal?.branch === cycle.stableBranch) ledger.mark(proposalKey(proposal.branch, proposal.sha));
      return proposeTag(situation, ledger, `command:${event.id}`);
    }
    case "request-pull": {
      const branch = currentStable(situation);
      const tag = branch ? newestValidTagOn(branch, facts) : null;
      if (!branch || !tag)
        return `there is no valid tag on ${branch ? `\`${branch}\`` : "a current stable branch"} yet.`;
      const kind = branch === cycle.stableBranch ? "window" : "fixes";
      ledger.emit({
        type: "post-request-pull",
        key: `request-pull:${tag.name}:${event.id}`,
        tag: tag.name,
        base: requestPullBase(tag, branch, situation),
        kind,
        version: versionOfStable(branch, settings),
      });
      return `the [GIT PULL] request for \`${tag.name}\` follows.`;
    }
    case "version": {
      if (compareVersionNumbers(command.version, cycle.base) <= 0) {
        return `refused: ${formatVersionNumber(command.version)} is not after v${cycle.openingRelease}.`;
      }
      if (stable) return `refused: \`${stable.name}\` already exists; rename it by hand first if the number changed.`;
      ledger.remember({ versionOverride: formatVersionNumber(command.version) });
      const recorded = `the window after v${cycle.openingRelease} is for v${formatVersionNumber(command.version)}`;
      const { conflict } = decideVersion({ base: cycle.base, facts, memory: ledger.memory, settings });
      return conflict ? `recorded that ${recorded}; but ${conflict}` : `recorded: ${recorded}.`;
    }
  }
}
