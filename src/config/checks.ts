// Value checks behind the config schema: templates, URLs, repo paths, labels, addresses. Each returns a
// reason sentence or undefined, so the schema can attach it to the key that holds the value.
import { InputError } from "../domain/errors.ts";
import { parseWithTemplate, renderName, templateFields, type NameFields } from "../domain/names.ts";

/** Sample values a name template is rendered with to prove it yields a safe ref name. */
const SAMPLES: readonly NameFields[] = [
  { subsystem: "selinux", date: "20240312", version: "6.9", rc: "1" },
  { subsystem: "audit", date: "20261231", version: "10.10", rc: "10" },
  // 6.1 + rc11 and 6.11 + rc1 both render "6.111" when fields touch: this sample catches that.
  { subsystem: "lsm", date: "20230101", version: "6.1", rc: "11" },
];

const FIELD = /\{([^{}]*)\}/g;
/** C0 controls and DEL; `\n` is allowed only where a value is a paragraph of mail body. */
const CONTROL = /[\u0000-\u001f\u007f]/;
const CONTROL_EXCEPT_NEWLINE = /[\u0000-\u0009\u000b-\u001f\u007f]/;

export interface TemplateRule {
  /** Fields the template may use. */
  readonly allowed: readonly string[];
  /** At least one of these must appear (empty: no requirement). */
  readonly requireOneOf?: readonly string[];
  /** True for branch and tag names: the rendering must be a safe ref name that parses back. */
  readonly ref?: boolean;
}

/** Why `template` breaks `rule`, or undefined when it is usable. */
export function describeTemplateProblem(template: string, rule: TemplateRule): string | undefined {
  const text = describeTextProblem(template, { maxLength: 200 });
  if (text) return text;
  const used = [...template.matchAll(FIELD)].map((match) => match[1]!);
  const unknown = used.find((field) => !rule.allowed.includes(field));
  if (unknown !== undefined) {
    return `uses unknown field {${unknown}}; allowed here: ${rule.allowed.map((f) => `{${f}}`).join(" ")}`;
  }
  const stray = template.replace(FIELD, "");
  if (stray.includes("{") || stray.includes("}")) return 'has an unmatched "{" or "}"';
  const required = rule.requireOneOf ?? [];
  if (required.length > 0 && !required.some((field) => used.includes(field))) {
    return `must contain ${required.map((f) => `{${f}}`).join(" or ")}`;
  }
  return rule.ref ? describeRefTemplateProblem(template) : undefined;
}

function describeRefTemplateProblem(template: string): string | undefined {
  try {
    templateFields(template);
    for (const sample of SAMPLES) {
      const name = renderName(template, sample, "rendered");
      const parsed = parseWithTemplate(template, name);
      const same =
        parsed && Object.entries(parsed.fields).every(([field, value]) => sample[field as keyof NameFields] === value);
      if (!same)
        return (
          `renders ${JSON.stringify(name)}, which cannot be read back into its fields; put a separator between ` +
          `fields`
        );
    }
  } catch (error) {
    if (error instanceof InputError) return error.message;
    throw error;
  }
  return undefined;
}

/** Renders a name template with the first sample (for cross-field comparisons such as "tag ≠ branch"). */
export function renderSampleName(template: string, subsystem: string): string {
  return renderName(template, { ...SAMPLES[0], subsystem }, "sample");
}

export interface TextRule {
  readonly maxLength: number;
  /** Allow line breaks (mail body text); headers and names never. */
  readonly multiline?: boolean;
}

/** Why free text is unusable: empty, too long, or carrying control characters. */
export function describeTextProblem(text: string, rule: TextRule): string | undefined {
  if (text.trim().length === 0) return "must not be empty";
  if (text.length > rule.maxLength) return `is ${text.length} characters long; at most ${rule.maxLength} are allowed`;
  const control = rule.multiline ? CONTROL_EXCEPT_NEWLINE : CONTROL;
  const match = control.exec(text);
  if (match) {
    const code = match[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0");
    return `contains the control character U+${code}${rule.multiline ? "" : " (line breaks are not allowed here)"}`;
  }
  return undefined;
}

export type UrlScheme = "https" | "git" | "file";

/** Why `url` may not be handed to git or printed as a fetch URL, or undefined when it is fine. */
export function describeUrlProblem(url: string, schemes: readonly UrlScheme[]): string | undefined {
  const allowed = schemes.map((scheme) => `${scheme}://`).join(", ");
  if (url.startsWith("-")) return `starts with "-" and would be read by git as an option; expected ${allowed}`;
  if (/[\s\u0000-\u001f\u007f]/.test(url)) return "contains whitespace or control characters";
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(url)?.[1]?.toLowerCase();
  if (scheme === undefined || !(schemes as readonly string[]).includes(scheme)) {
    return `must start with ${allowed}`;
  }
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return "is not a valid URL";
  }
  if (parsed.username !== "" || parsed.password !== "") return "must not carry credentials (user:password@)";
  if (scheme !== "file" && parsed.hostname === "") return "has no host name";
  if (scheme === "file" && (parsed.pathname === "" || parsed.pathname === "/")) return "has no path";
  return undefined;
}

const PATH_CHARACTERS = /^[A-Za-z0-9._/,+-]+$/;

/** Why `path` is not a repo-relative path prefix (what git gets after `--`), or undefined. */
export function describePathProblem(path: string): string | undefined {
  if (path.length === 0) return "must not be empty";
  if (path.length > 200) return `is ${path.length} characters long; at most 200 are allowed`;
  if (path.startsWith("/")) return 'must be relative to the repository root (no leading "/")';
  if (path.startsWith("-")) return 'must not start with "-"';
  if (/[*?[\]]/.test(path)) {
    return (
      `is a path prefix, not a glob: write ${JSON.stringify(path.replace(/[*?[\]].*$/, ""))} to match ` +
      `everything it starts`
    );
  }
  if (!PATH_CHARACTERS.test(path)) return "may only contain A-Z a-z 0-9 . _ / , + -";
  if (path.split("/").some((part) => part === ".." || part === ".")) return 'must not contain "." or ".." components';
  if (path.includes("//")) return 'must not contain "//"';
  return undefined;
}

/** Same as describePathProblem, for a single file name inside a fixed directory (workflows). */
export function describeFileNameProblem(name: string, extensions: readonly string[]): string | undefined {
  if (!/^[A-Za-z0-9_][A-Za-z0-9._-]*$/.test(name)) {
    return "must be a plain file name (A-Z a-z 0-9 . _ -, no directories, no leading dot or dash)";
  }
  if (!extensions.some((extension) => name.endsWith(extension))) return `must end with ${extensions.join(" or ")}`;
  return undefined;
}

const ADDRESS = "[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\\.[A-Za-z0-9-]+)+";
const MAILBOX = new RegExp(`^(?:${ADDRESS}|[^<>",;@\\u0000-\\u001f\\u007f]+ <${ADDRESS}>)$`);

/** Why `mailbox` is not `Name <user@host>` or `user@host` (it becomes a mail header), or undefined. */
export function describeMailboxProblem(mailbox: string): string | undefined {
  if (CONTROL.test(mailbox)) return "contains control characters or line breaks";
  if (!MAILBOX.test(mailbox)) {
    return `${JSON.stringify(mailbox)} is not "Name <user@host>" or "user@host" (no commas, quotes or semicolons)`;
  }
  return undefined;
}

/** Why `label` cannot be a GitHub label name (1–50 characters, no control characters), or undefined. */
export function describeLabelProblem(label: string): string | undefined {
  return describeTextProblem(label, { maxLength: 50 });
}
