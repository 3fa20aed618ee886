// Branch and tag names: templates with {subsystem} {date} {version} {rc}, render/parse round-trip,
// the same-day suffix rule, and the validator that keeps hostile names away from git.
import { InputError } from "./errors.ts";
import { calendarDayAtOffset, calendarDayOf, daysBetween, dayOfDateStamp, isRealDateStamp } from "./time.ts";

export type NameField = "subsystem" | "date" | "version" | "rc";
export type NameFields = Partial<Record<NameField, string>>;

export interface NameProblem {
  readonly code: NameProblemCode;
  readonly message: string;
}

export type NameProblemCode =
  | "empty"
  | "too-long"
  | "leading-dash"
  | "bad-characters"
  | "bad-ref-format"
  | "reserved"
  | "bad-shape"
  | "wrong-subsystem"
  | "impossible-date"
  | "future-date"
  | "date-far-from-tagger";

/** Longest ref name merge-window accepts; git allows more, no maintainer needs it. */
export const MAX_NAME_LENGTH = 100;

const FIELD_PATTERNS: Record<NameField, string> = {
  subsystem: "[a-z0-9]+(?:[._-][a-z0-9]+)*?",
  date: "[0-9]{8}",
  version: "[1-9][0-9]{0,2}\\.(?:0|[1-9][0-9]{0,2})",
  rc: "[1-9][0-9]?",
};
const SUBSYSTEM = /^[a-z0-9]+(?:[._-][a-z0-9]+)*$/;
const SAFE_CHARACTERS = /^[A-Za-z0-9._/-]+$/;
const RESERVED = new Set(["HEAD", "FETCH_HEAD", "ORIG_HEAD", "MERGE_HEAD", "CHERRY_PICK_HEAD", "REBASE_HEAD", "@"]);
const FIELD = /\{([a-z]+)\}/g;
/** Same-day collisions: the 2nd tag of a day is `<name>-2`, then `-3`, … (never `-1`, never reused). */
const SUFFIX = "(?:-([2-9]|[1-9][0-9]+))?";

/**
 * Problems that make `name` unsafe as a ref: only `[A-Za-z0-9._/-]`, no leading `-`, git's
 * check-ref-format rules, no reserved names. An empty list means it may be handed to git.
 */
export function refNameProblems(name: string): NameProblem[] {
  const problems: NameProblem[] = [];
  const shown = JSON.stringify(name.length > 60 ? `${name.slice(0, 60)}…` : name);
  if (name.length === 0) return [{ code: "empty", message: "the name is empty" }];
  if (name.length > MAX_NAME_LENGTH) {
    problems.push({
      code: "too-long",
      message: `${shown} is ${name.length} characters long; at most ${MAX_NAME_LENGTH} are allowed`,
    });
  }
  if (name.startsWith("-")) {
    problems.push({ code: "leading-dash", message: `${shown} starts with "-" and would be read by git as an option` });
  }
  if (!SAFE_CHARACTERS.test(name)) {
    const bad = [...new Set([...name].filter((ch) => !/[A-Za-z0-9._/-]/.test(ch)))];
    const listed = bad.map(
      (ch) => `${JSON.stringify(ch)} (U+${ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0")})`,
    );
    problems.push({
      code: "bad-characters",
      message: `${shown} contains ${listed.join(", ")}; only A-Z a-z 0-9 . _ / - are allowed`,
    });
  }
  const format = refFormatProblem(name);
  if (format) problems.push({ code: "bad-ref-format", message: `${shown} ${format}` });
  if (RESERVED.has(name) || /^refs\//.test(name)) {
    problems.push({ code: "reserved", message: `${shown} is reserved by git and cannot name a branch or tag here` });
  }
  return problems;
}

function refFormatProblem(name: string): string | undefined {
  if (name.includes("..")) return 'contains ".." (git reads it as a range)';
  if (name.includes("//")) return 'contains "//"';
  if (name.startsWith("/") || name.endsWith("/")) return 'starts or ends with "/"';
  if (name.endsWith(".")) return 'ends with "."';
  if (name.split("/").some((part) => part.startsWith(".") || part.endsWith(".lock"))) {
    return 'has a component starting with "." or ending with ".lock"';
  }
  return undefined;
}

export function isSafeRefName(name: string): boolean {
  return refNameProblems(name).length === 0;
}

/** Throws InputError naming `what` (e.g. "tag", "branch") when `name` is not a safe ref name. */
export function assertSafeRefName(name: string, what: string): string {
  const problems = refNameProblems(name);
  if (problems.length > 0) {
    throw new InputError(problems[0]!.code, `${what} name refused: ${problems.map((p) => p.message).join("; ")}`);
  }
  return name;
}

/** The fields a template uses, in order; throws InputError for unknown fields. */
export function templateFields(template: string): NameField[] {
  const fields: NameField[] = [];
  for (const match of template.matchAll(FIELD)) {
    const field = match[1]!;
    if (!(field in FIELD_PATTERNS)) {
      throw new InputError(
        "bad-template",
        `template ${JSON.stringify(template)} uses unknown field {${field}}; known: {subsystem} {date} {version} {rc}`,
      );
    }
    fields.push(field as NameField);
  }
  return fields;
}

/** Fills a template. Every field it uses must be given; a name template must render to a safe ref name. */
export function renderTemplate(template: string, fields: NameFields): string {
  templateFields(template);
  return template.replace(FIELD, (_, field: NameField) => {
    const value = fields[field];
    if (value === undefined)
      throw new InputError("missing-field", `template ${JSON.stringify(template)} needs {${field}}`);
    return value;
  });
}

/** Renders a branch or tag name; throws InputError when the result is not a safe ref name. */
export function renderName(template: string, fields: NameFields, what = "ref"): string {
  return assertSafeRefName(renderTemplate(template, fields), what);
}

export interface ParsedName {
  readonly fields: NameFields;
  /** The same-day suffix: 1 for the plain name, 2 for `-2`, … */
  readonly sequence: number;
}

/** Reads the fields back out of `text`; undefined when it does not have the template's shape. */
export function parseWithTemplate(
  template: string,
  text: string,
  options: { suffix?: boolean } = {},
): ParsedName | undefined {
  const fields = templateFields(template);
  const literal = template
    .split(FIELD)
    .filter((_, i) => i % 2 === 0)
    .map(escapeRegExp);
  const body = literal.map((part, i) => (i < fields.length ? `${part}(${FIELD_PATTERNS[fields[i]!]})` : part)).join("");
  const match = new RegExp(`^${body}${options.suffix ? SUFFIX : ""}$`).exec(text);
  if (!match) return undefined;
  const parsed: NameFields = {};
  for (const [i, field] of fields.entries()) {
    const value = match[i + 1]!;
    if (parsed[field] !== undefined && parsed[field] !== value) return undefined;
    parsed[field] = value;
  }
  const suffix = options.suffix ? match[fields.length + 1] : undefined;
  return { fields: parsed, sequence: suffix === undefined ? 1 : Number(suffix) };
}

/** `name` for sequence 1, `name-N` for N ≥ 2. */
export function withSequence(name: string, sequence: number): string {
  return sequence <= 1 ? name : `${name}-${sequence}`;
}

/** The first name of the template's family that is not in `existing`: `x`, then `x-2`, `x-3`, … */
export function nextFreeTagName(template: string, fields: NameFields, existing: Iterable<string>): string {
  const taken = new Set(existing);
  const base = renderName(template, fields, "tag");
  for (let sequence = 1; ; sequence++) {
    const name = withSequence(base, sequence);
    if (!taken.has(name)) return assertSafeRefName(name, "tag");
  }
}

export function isValidSubsystem(subsystem: string): boolean {
  return SUBSYSTEM.test(subsystem) && subsystem.length <= 40;
}

export interface TagNameContext {
  readonly template: string;
  readonly subsystem: string;
  readonly now: Date;
  readonly timeZone: string;
  /** When known, `{date}` must be within `maxDateSkewDays` of the tagger date's day. */
  readonly taggerDate?: Date;
  /**
   * The tagger's own UTC offset in minutes (`+1200` → 720), from the tag object: the tagger date's day is
   * the one on the tagger's calendar. Unknown: the day in `timeZone`.
   */
  readonly taggerOffsetMinutes?: number;
  readonly maxDateSkewDays?: number;
}

/** Every problem with a tag name, each with a code and a sentence; empty when the name is good. */
export function validateTagName(name: string, context: TagNameContext): NameProblem[] {
  const problems = refNameProblems(name);
  if (problems.length > 0) return problems;
  const parsed = parseWithTemplate(context.template, name, { suffix: true });
  if (!parsed) {
    const example = renderTemplate(context.template, {
      subsystem: context.subsystem,
      date: "20240312",
      version: "6.9",
      rc: "1",
    });
    const shape = JSON.stringify(context.template);
    return [
      {
        code: "bad-shape",
        message: `${JSON.stringify(name)} does not have the shape ${shape} (e.g. ${example})`,
      },
    ];
  }
  const { subsystem, date } = parsed.fields;
  if (subsystem !== undefined && subsystem !== context.subsystem) {
    problems.push({
      code: "wrong-subsystem",
      message:
        `${JSON.stringify(name)} is for subsystem ${JSON.stringify(subsystem)}, this repository ` +
        `is ${JSON.stringify(context.subsystem)}`,
    });
  }
  if (date !== undefined) problems.push(...dateProblems(name, date, context));
  return problems;
}

function dateProblems(name: string, stamp: string, context: TagNameContext): NameProblem[] {
  if (!isRealDateStamp(stamp)) {
    return [{ code: "impossible-date", message: `${JSON.stringify(name)} carries ${stamp}, which is not a real date` }];
  }
  const day = dayOfDateStamp(stamp);
  // A maintainer dates the tag by his own calendar (the tagger's offset when the tag object has one), which
  // may run a day ahead of UTC: at +14:00 the 2nd has begun while UTC is still on the 1st.
  // An offset no zone uses (outside -12:00..+14:00, git takes any four digits) is not a calendar: ignored.
  const given = context.taggerOffsetMinutes;
  const offset = given !== undefined && given >= -12 * 60 && given <= 14 * 60 ? given : undefined;
  const ownCalendar = (instant: Date) =>
    offset === undefined ? calendarDayOf(instant, context.timeZone) : calendarDayAtOffset(instant, offset);
  const today = ownCalendar(context.now);
  if (day > today) {
    const zone = offset === undefined ? context.timeZone : `the tagger's UTC${formatOffset(offset)}`;
    return [
      {
        code: "future-date",
        message: `${JSON.stringify(name)} is dated ${day}, after today (${today} in ${zone})`,
      },
    ];
  }
  if (context.taggerDate) {
    const tagged = ownCalendar(context.taggerDate);
    const skew = Math.abs(daysBetween(tagged, day));
    const allowed = context.maxDateSkewDays ?? 1;
    if (skew > allowed) {
      return [
        {
          code: "date-far-from-tagger",
          message:
            `${JSON.stringify(name)} is dated ${day} but was tagged on ${tagged} (${skew} days apart, at ` +
            `most ${allowed} allowed)`,
        },
      ];
    }
  }
  return [];
}

/** `+12:00`, `-03:30` from minutes east of UTC. */
function formatOffset(minutes: number): string {
  const abs = Math.abs(minutes);
  const hhmm = `${String(Math.floor(abs / 60)).padStart(2, "0")}:${String(abs % 60).padStart(2, "0")}`;
  return `${minutes < 0 ? "-" : "+"}${hhmm}`;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
