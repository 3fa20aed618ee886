// Cross-field rules of the config: distinct names, deadlines in order, safe combinations of switches.
import type { z } from "zod";
import { buildProcess, usesDevBranches } from "../domain/process.ts";
import { renderSampleName } from "./checks.ts";
import { permits } from "../domain/commands.ts";
import type { configObjectSchema } from "./schema.ts";

type ConfigShape = z.output<typeof configObjectSchema>;

interface RuleIssue {
  readonly path: readonly (string | number)[];
  readonly message: string;
}

/**
 * The rules no single field can check. Decision: `branches.dev`/`devStaging` are ignored (not refused) by
 * variants that do not use them, because defaults fill them for every variant; only checked for clashes there.
 */
export function deriveConfigIssues(config: ConfigShape): RuleIssue[] {
  return [...nameClashes(config), ...deadlineIssues(config), ...switchIssues(config)];
}

/** zod superRefine adapter for deriveConfigIssues; the rules run only once every field is valid on its own. */
export function checkConfigConsistency(config: ConfigShape, ctx: z.RefinementCtx<ConfigShape>): void {
  if (ctx.issues.length > 0) return;
  for (const issue of deriveConfigIssues(config)) {
    ctx.addIssue({ code: "custom", path: [...issue.path], message: issue.message, input: config });
  }
}

function nameClashes(config: ConfigShape): RuleIssue[] {
  const { branches, subsystem } = config;
  const named: [string[], string][] = [
    [["branches", "next"], branches.next],
    [["branches", "stable"], branches.stable],
  ];
  if (usesDevBranches(config.variant)) {
    named.push([["branches", "dev"], branches.dev], [["branches", "devStaging"], branches.devStaging]);
  }
  named.push([["tags", "name"], config.tags.name]);
  const issues: RuleIssue[] = [];
  const seen = new Map<string, string>();
  for (const [path, template] of named) {
    const rendered = renderSampleName(template, subsystem);
    const earlier = seen.get(rendered);
    if (earlier !== undefined) {
      issues.push({
        path,
        message: `renders ${JSON.stringify(rendered)}, the same name as ${earlier}; branch and tag names must differ`,
      });
    } else {
      seen.set(rendered, path.join("."));
    }
  }
  return issues;
}

function deadlineIssues(config: ConfigShape): RuleIssue[] {
  const { cycle } = config;
  const issues: RuleIssue[] = [];
  if (cycle.rebaseByDay > cycle.sendByDay) {
    issues.push({
      path: ["cycle", "rebaseByDay"],
      message:
        `is day ${cycle.rebaseByDay}, after cycle.sendByDay (day ${cycle.sendByDay}); the rebase comes before ` +
        `the pull request`,
    });
  }
  // The process says when the rebase is decided; a deadline in -rc numbers must come before the cycle is late.
  const decision = buildProcess(config.variant, cycle).steps.find((step) => step.id === "rebase-decision")!;
  if (decision.deadline?.kind === "rc" && decision.deadline.rc > cycle.lateThreshold) {
    issues.push({
      path: ["cycle", "rebaseDecisionByRc"],
      message:
        `is rc${decision.deadline.rc}, after the late threshold (rc${cycle.lateThreshold}); decide the rebase ` +
        `before the cycle is late`,
    });
  }
  return issues;
}

function switchIssues(config: ConfigShape): RuleIssue[] {
  const issues: RuleIssue[] = [];
  const { signing, permissions, lateDeferral, trackingIssue } = config;
  if (
    config.automation.deleteInvalidTags &&
    signing.allowedSigners.length === 0 &&
    signing.allowedSignersFile === null
  ) {
    issues.push({
      path: ["automation", "deleteInvalidTags"],
      message:
        "needs signing.allowedSigners or signing.allowedSignersFile; without them every tag would count as " +
        "invalid and be deleted",
    });
  }
  if (!permits(permissions.destructive, permissions.commands)) {
    issues.push({
      path: ["permissions", "destructive"],
      message:
        `is ${permissions.destructive}, weaker than permissions.commands (${permissions.commands}); destructive ` +
        `commands need at least as much`,
    });
  }
  // GitHub lists pull requests as issues: a shared label would make deferred PRs look like tracking issues.
  if (lateDeferral.label === trackingIssue.label) {
    issues.push({
      path: ["lateDeferral", "label"],
      message: `must differ from trackingIssue.label (${JSON.stringify(trackingIssue.label)})`,
    });
  }
  const clash = lateDeferral.fixLabels.findIndex((name) => name === lateDeferral.label);
  if (clash >= 0) {
    issues.push({
      path: ["lateDeferral", "fixLabels", clash],
      message: "must differ from lateDeferral.label: a label cannot mean both fix and deferred",
    });
  }
  return issues;
}
