// The [GIT PULL] mail from plain facts: `git request-pull`'s body byte for byte ('git') or wrapped like Paul
// Moore's mails ('wrapped'), the parser that reads either back, the subject template and the signature cut.
import { InputError } from "./errors.ts";

/** A commit as request-pull shows it: full id, `%s`, `%ci` (`2024-01-21 14:11:32 -0800`). */
export interface RequestPullCommit {
  readonly sha: string;
  readonly subject: string;
  readonly date: string;
}

export interface BranchDescription {
  readonly branch: string;
  /** As `git config branch.<b>.description` prints it (ends with a newline). */
  readonly text: string;
}

/** Everything a request-pull body says, each piece exactly as git prints it. */
export interface RequestPullData {
  /** The merge-base of start and end ("changes since commit"). */
  readonly base: RequestPullCommit;
  readonly url: string;
  /** The ref shown after the URL, e.g. `tags/selinux-pr-20240312`. */
  readonly ref: string;
  readonly tip: RequestPullCommit;
  /** The tag message cut before its signature (see deriveTagMessage), or null when the end is not a tag object. */
  readonly tagMessage: string | null;
  readonly branchDescription: BranchDescription | null;
  /** `git shortlog ^start end` output: author blocks, each followed by a blank line. */
  readonly shortlog: string;
  /** `git diff -M --stat=80 --summary base..end` output. */
  readonly diffstat: string;
}

/**
 * 'git': byte-exact `git request-pull`. 'wrapped': URL/ref and long subject lines split, long shortlog lines wrapped.
 */
export type RequestPullStyle = "git" | "wrapped";

export interface ParsedRequestPull extends RequestPullData {
  readonly style: RequestPullStyle;
  /** Present when a mail client took one leading space off every indented line (Gmail's web client did). */
  readonly mangled?: "collapsed-indent";
}

export const REQUEST_PULL_DASHES = "-".repeat(64);
/**
 * Line width of the 'wrapped' style: a line longer than 78 columns is split. 78 is RFC 5322's recommended maximum
 * line length; in Paul Moore's wrapped mails every line he split was longer (87 to 97 columns) and every line he
 * left whole, diffstat aside (git's own --stat=80), fits in 78. No stored mail has a line of 79 or 80 columns
 * that he wrapped or kept, so 78 rather than 80 rests on the RFC and the maintainer's report, not on a sample.
 */
export const WRAP_WIDTH = 78;

const SHA = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/;
const CI_DATE = "\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d [+-]\\d{4}";
const ENTRY_INDENT = "      ";
const CONTINUATION_INDENT = "         ";
const DESCRIPTION_HEADING = /^\(from the branch description for (\S+) local branch\)$/;

/** The request-pull body for `data`; throws InputError naming a field that would break the text. */
export function renderRequestPull(data: RequestPullData, style: RequestPullStyle = "git"): string {
  checkData(data);
  const wrapped = style === "wrapped";
  const lines = [
    `The following changes since commit ${data.base.sha}:`,
    "",
    ...renderCommitLines(data.base, wrapped),
    "",
    "are available in the Git repository at:",
    "",
    ...(wrapped && data.ref !== "" ? [`  ${data.url}`, `    ${data.ref}`] : [`  ${data.url} ${data.ref}`]),
    "",
    `for you to fetch changes up to ${data.tip.sha}:`,
    "",
    ...renderCommitLines(data.tip, wrapped),
    "",
    REQUEST_PULL_DASHES,
  ];
  let text = `${lines.join("\n")}\n`;
  if (data.tagMessage !== null) text += `${data.tagMessage}\n${REQUEST_PULL_DASHES}\n`;
  if (data.branchDescription) {
    const { branch, text: description } = data.branchDescription;
    text += `(from the branch description for ${branch} local branch)\n\n${description}${REQUEST_PULL_DASHES}\n`;
  }
  const shortlog = wrapped ? data.shortlog.split("\n").flatMap(wrapShortlogLine).join("\n") : data.shortlog;
  return text + shortlog + data.diffstat;
}

function renderCommitLines(commit: RequestPullCommit, wrapped: boolean): string[] {
  const line = `  ${commit.subject} (${commit.date})`;
  return wrapped && width(line) > WRAP_WIDTH ? [`  ${commit.subject}`, `    (${commit.date})`] : [line];
}

/** A shortlog entry longer than the width is broken at spaces, continuation lines indented by 9. */
function wrapShortlogLine(line: string): string[] {
  if (!line.startsWith(ENTRY_INDENT) || width(line) <= WRAP_WIDTH) return [line];
  const [first = "", ...words] = line.slice(ENTRY_INDENT.length).split(" ");
  const out: string[] = [];
  let current = ENTRY_INDENT + first;
  for (const word of words) {
    if (word !== "" && current.trim() !== "" && width(`${current} ${word}`) > WRAP_WIDTH) {
      out.push(current);
      current = CONTINUATION_INDENT + word;
    } else current += ` ${word}`;
  }
  return [...out, current];
}

function width(text: string): number {
  return [...text].length;
}

function checkData(data: RequestPullData): void {
  const fail = (field: string, why: string): never => {
    throw new InputError("bad-request-pull-data", `request-pull ${field} ${why}`);
  };
  for (const [field, commit] of [
    ["base", data.base],
    ["tip", data.tip],
  ] as const) {
    if (!SHA.test(commit.sha)) fail(`${field} commit`, `${JSON.stringify(commit.sha)} is not a full commit id`);
    if (/[\r\n]/.test(commit.subject)) fail(`${field} subject`, "contains a line break");
    if (!new RegExp(`^${CI_DATE}$`).test(commit.date))
      fail(`${field} date`, `${JSON.stringify(commit.date)} is not a %ci date`);
  }
  if (!/^\S+$/.test(data.url)) fail("URL", `${JSON.stringify(data.url)} is empty or contains white space`);
  if (/\s/.test(data.ref)) fail("ref", `${JSON.stringify(data.ref)} contains white space`);
  if (data.branchDescription && !/^\S+$/.test(data.branchDescription.branch))
    fail("branch", "name contains white space");
}

/**
 * Reads a request-pull body (from its "The following changes since commit" line) back into data. Text before
 * that line and after the diffstat is ignored. Reads both styles; render(parse(x), parse(x).style) === x for git's
 * own output. Throws InputError naming the line that does not fit.
 */
export function parseRequestPull(text: string): ParsedRequestPull {
  const lines = text.split("\n");
  let i = lines.findIndex((line) => /^The following changes since commit [0-9a-f]+:$/i.test(line));
  if (i < 0)
    throw new InputError("bad-request-pull", 'request-pull text: no "The following changes since commit <id>:" line');
  const expect = (pattern: RegExp, what: string): RegExpExecArray => {
    const match = pattern.exec(lines[i] ?? "");
    if (!match)
      throw new InputError(
        "bad-request-pull",
        `request-pull text, line ${i + 1}: expected ${what}, found ${JSON.stringify(lines[i] ?? "<end>")}`,
      );
    i++;
    return match;
  };
  const blank = (): void => void expect(/^$/, "an empty line");
  // git indents by 2 (4 for a split date or ref, 6 in the shortlog, 1 in the diffstat); a mail client that took one
  // space off every indented line (Gmail) is read with the same shape, one column to the left.
  const collapsed = /^ \S/.test(lines[i + 2] ?? "");
  const indent = (n: number): string => " ".repeat(collapsed ? n - 1 : n);
  const commit = (sha: string): RequestPullCommit & { split: boolean } => {
    const one = new RegExp(`^${indent(2)}(.*) \\((${CI_DATE})\\)$`).exec(lines[i] ?? "");
    if (one) {
      i++;
      return { sha, subject: one[1]!, date: one[2]!, split: false };
    }
    const subject = expect(new RegExp(`^${indent(2)}(.*)$`), `"${indent(2)}<subject> (<date>)"`)[1]!;
    const date = expect(new RegExp(`^${indent(4)}\\((${CI_DATE})\\)$`), `"${indent(4)}(<date>)"`)[1]!;
    return { sha, subject, date, split: true };
  };
  const baseSha = expect(
    /^The following changes since commit ([0-9a-f]{40}|[0-9a-f]{64}):$/i,
    "a full base commit id",
  )[1]!;
  blank();
  const base = commit(baseSha);
  blank();
  expect(/^are available in the git repository at:$/i, '"are available in the Git repository at:"');
  blank();
  let url: string;
  let ref: string;
  const urlSplit = new RegExp(`^${indent(2)}\\S+$`).test(lines[i] ?? "");
  if (urlSplit) {
    url = expect(new RegExp(`^${indent(2)}(\\S+)$`), `"${indent(2)}<url>"`)[1]!;
    ref = expect(new RegExp(`^${indent(4)}(\\S+)$`), `"${indent(4)}<ref>"`)[1]!;
  } else [, url = "", ref = ""] = expect(new RegExp(`^${indent(2)}(\\S+) (\\S*)$`), `"${indent(2)}<url> <ref>"`);
  blank();
  const tipSha = expect(/^for you to fetch changes up to ([0-9a-f]{40}|[0-9a-f]{64}):$/i, "a full tip commit id")[1]!;
  blank();
  const tip = commit(tipSha);
  blank();
  expect(new RegExp(`^${REQUEST_PULL_DASHES}$`), "a line of 64 dashes");
  const last = lines.lastIndexOf(REQUEST_PULL_DASHES);
  const { tagMessage, branchDescription } = parseBlocks(lines.slice(i, Math.max(i, last)));
  i = Math.max(i, last + 1);
  const { shortlog, next, continued } = parseShortlog(lines, i, indent(6));
  if (shortlog === "") missingSection(lines, i, 'a shortlog line "<author> (<count>):"');
  i = next;
  let diffstat = "";
  // Collapsed, the diffstat lost its only leading space: it runs to the first empty line.
  const inDiffstat = (line: string) => (collapsed ? line !== "" : line.startsWith(" "));
  while (i < lines.length && inDiffstat(lines[i]!)) diffstat += `${collapsed ? " " : ""}${lines[i++]}\n`;
  if (diffstat === "") missingSection(lines, i, 'a diffstat line " <path> | <changes>"');
  const style: RequestPullStyle = urlSplit || base.split || tip.split || continued ? "wrapped" : "git";
  return {
    base: { sha: base.sha, subject: base.subject, date: base.date },
    url,
    ref,
    tip: { sha: tip.sha, subject: tip.subject, date: tip.date },
    tagMessage,
    branchDescription,
    shortlog,
    diffstat,
    style,
    ...(collapsed ? { mangled: "collapsed-indent" as const } : {}),
  };
}

/** Never an empty section without saying where: the line that should have started it. */
function missingSection(lines: readonly string[], at: number, what: string): never {
  throw new InputError(
    "bad-request-pull",
    `request-pull text, line ${at + 1}: expected ${what}, found ${JSON.stringify(lines[at] ?? "<end>")}`,
  );
}

/** The region between the header's dashes and the last dashed line: a tag message and/or a branch description. */
function parseBlocks(region: readonly string[]): Pick<RequestPullData, "tagMessage" | "branchDescription"> {
  if (region.length === 0) return { tagMessage: null, branchDescription: null };
  const at = region.findIndex(
    (line, j) => DESCRIPTION_HEADING.test(line) && (j === 0 || region[j - 1] === REQUEST_PULL_DASHES),
  );
  const tagLines = at < 0 ? region : region.slice(0, Math.max(0, at - 1));
  // The tag block is `<message>` + git's `echo` (one more newline); an empty message leaves just that newline.
  const tagMessage =
    at === 0
      ? null
      : tagLines
          .map((line) => `${line}\n`)
          .join("")
          .slice(0, -1);
  if (at < 0) return { tagMessage, branchDescription: null };
  const branch = DESCRIPTION_HEADING.exec(region[at]!)![1]!;
  const text = region
    .slice(at + 2)
    .map((line) => `${line}\n`)
    .join("");
  return { tagMessage, branchDescription: { branch, text } };
}

/** Author blocks (`Name (N):`, entries indented by 6, a blank line); wrapped entries are joined back. */
function parseShortlog(
  lines: readonly string[],
  start: number,
  entryIndent: string,
): { shortlog: string; next: number; continued: boolean } {
  const out: string[] = [];
  let i = start;
  let continued = false;
  while (i < lines.length && /^\S.* \(\d+\):$/.test(lines[i]!)) {
    out.push(lines[i++]!);
    while (i < lines.length && lines[i]!.startsWith(entryIndent)) {
      const line = lines[i++]!;
      // A continuation is indented deeper than an entry (9 columns as rendered; a mangled mail may differ).
      if (line.startsWith(`${entryIndent} `) && out.length > 0) {
        out[out.length - 1] += ` ${line.trimStart()}`;
        continued = true;
      } else out.push(ENTRY_INDENT + line.slice(entryIndent.length));
    }
    if (lines[i] !== "")
      throw new InputError(
        "bad-request-pull",
        `request-pull text, line ${i + 1}: expected an empty line after the shortlog block`,
      );
    out.push(lines[i++]!);
  }
  return { shortlog: out.map((line) => `${line}\n`).join(""), next: i, continued };
}

/**
 * The tag message request-pull prints for a tag object (`git cat-file tag` text): git's
 * `sed -n -e '1,/^$/d' -e '/^-----BEGIN \(PGP\|SSH\|SIGNED\) /q' -e p` — after the header block, up to the
 * first signature line.
 */
export function deriveTagMessage(tagObject: string): string {
  const headerEnd = tagObject.indexOf("\n\n");
  if (headerEnd < 0) return "";
  const body = tagObject.slice(headerEnd + 2);
  const signature = /^-----BEGIN (?:PGP|SSH|SIGNED) /m.exec(body);
  return signature ? body.slice(0, signature.index) : body;
}

/** Fields a subject template may use: `{subsystem}`, `{tag}`, `{version}`, `{rc}`, `{date}`, `{n}`. */
export type SubjectFields = Partial<Record<"subsystem" | "tag" | "version" | "rc" | "date" | "n", string>>;

/** Fills a subject template (`pullRequest.subject`); throws InputError for unknown or missing fields. */
export function renderSubject(template: string, fields: SubjectFields = {}): string {
  const known = new Set(["subsystem", "tag", "version", "rc", "date", "n"]);
  const subject = template.replace(/\{([^}]*)\}/g, (_, name: string) => {
    if (!known.has(name))
      throw new InputError(
        "bad-subject-template",
        `subject template ${JSON.stringify(template)} uses unknown field {${name}}; known: {subsystem} {tag} ` +
          `{version} {rc} {date} {n}`,
      );
    const value = fields[name as keyof SubjectFields];
    if (value === undefined)
      throw new InputError("missing-field", `subject template ${JSON.stringify(template)} needs {${name}}`);
    return value;
  });
  if (/[\r\n]/.test(subject))
    throw new InputError("bad-subject", `subject ${JSON.stringify(subject)} contains a line break`);
  return subject;
}

export interface PullRequestMail {
  readonly subject: string;
  readonly to: readonly string[];
  readonly cc: readonly string[];
  /** `Hi Linus,` */
  readonly greeting: string;
  /** The maintainer's summary paragraphs; may be empty. */
  readonly intro: string;
  /** `Please merge when you have the chance,\n-Paul` */
  readonly signoff: string;
  /** The request-pull body (renderRequestPull). */
  readonly body: string;
}

/** The whole mail: To/Cc/Subject headers, greeting, intro, sign-off, `--`, then the request-pull body. */
export function renderPullRequestMail(mail: PullRequestMail): string {
  if (mail.to.length === 0) throw new InputError("missing-recipient", "pull request mail: To is empty");
  for (const [header, value] of [
    ["To", mail.to.join(", ")],
    ["Cc", mail.cc.join(", ")],
    ["Subject", mail.subject],
  ] as const) {
    if (/[\r\n]/.test(value)) throw new InputError("bad-header", `pull request mail: ${header} contains a line break`);
  }
  const headers = [
    `To: ${mail.to.join(", ")}`,
    ...(mail.cc.length > 0 ? [`Cc: ${mail.cc.join(", ")}`] : []),
    `Subject: ${mail.subject}`,
  ];
  const paragraphs = [mail.greeting, mail.intro, mail.signoff]
    .map((part) => part.replace(/\s+$/, ""))
    .filter((part) => part !== "");
  return `${headers.join("\n")}\n\n${paragraphs.join("\n\n")}\n\n--\n${mail.body}`;
}

/**
 * The mail's opening line for a window pull (`patches for the Linux v6.9 merge window`) or an -rc fixes pull,
 * and a placeholder for the maintainer's summary of the notable changes.
 */
export function renderMailIntro(subsystem: string, kind: "window" | "fixes", version: string): string {
  const what =
    kind === "window" ? `the Linux v${version} merge window` : `the current Linux v${version} release candidate`;
  return (
    `Here are the ${subsystem} ${kind === "window" ? "patches" : "fixes"} for ${what}.\n\n` +
    `<summary of the notable changes>`
  );
}
