// Small zod builders shared by the config schema: checked strings, bounded integers, ref names, templates.
import { z } from "zod";
import { isSafeRefName, refNameProblems } from "../domain/names.ts";
import {
  describeLabelProblem,
  describeTemplateProblem,
  describeTextProblem,
  describeUrlProblem,
  type TemplateRule,
  type UrlScheme,
} from "./checks.ts";

/** A string whose problems come from `describe` (a reason sentence, or undefined when fine). */
export function checkedString(describe: (value: string) => string | undefined) {
  return z.string().superRefine((value, ctx) => {
    const problem = describe(value);
    if (problem !== undefined) ctx.addIssue({ code: "custom", message: problem, input: value });
  });
}

/** A whole number in [min, max] with one message for every way of missing the range. */
export function boundedInt(min: number, max: number) {
  const range = `must be a whole number between ${min} and ${max}`;
  return z.number().int(range).min(min, range).max(max, range);
}

/** A branch name (no template fields but `{subsystem}`); the rendering must be a safe ref name. */
export function branchTemplate(rule: Omit<TemplateRule, "ref"> = { allowed: ["subsystem"] }) {
  return checkedString((value) => describeTemplateProblem(value, { ...rule, ref: true }));
}

/** A literal ref name (an upstream branch): passes the same allowlist every name passes before git. */
export function refName() {
  return checkedString((value) =>
    isSafeRefName(value)
      ? undefined
      : refNameProblems(value)
          .map((p) => p.message)
          .join("; "),
  );
}

/** A non-ref template (a tag message, a mail subject, an issue title). */
export function textTemplate(rule: Omit<TemplateRule, "ref">) {
  return checkedString((value) => describeTemplateProblem(value, rule));
}

/** One line (or a paragraph, when multiline) of free text. */
export function text(maxLength: number, multiline = false) {
  return checkedString((value) => describeTextProblem(value, { maxLength, multiline }));
}

/** A GitHub label name. */
export function label() {
  return checkedString(describeLabelProblem);
}

/** A URL git may fetch from or a mail may print, limited to `schemes`. */
export function url(schemes: readonly UrlScheme[]) {
  return checkedString((value) => describeUrlProblem(value, schemes));
}
