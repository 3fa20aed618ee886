// Untrusted text made inert for GitHub Markdown: unbreakable code spans and blocks, plain text without live
// mentions, HTML or line-start commands, names shortened with a hash to fit a limit, and tokens redacted.

const ZWJ = "\u200d";

/** Credentials git and GitHub put into URLs and errors, and what each is replaced with. */
const SECRETS: readonly (readonly [RegExp, string])[] = [
  [/\b([a-z][a-z0-9+.-]*:\/\/)[^\s/@]+@/gi, "$1***@"], // https://x-access-token:ghs_…@github.com, user:pw@
  [/\bx-access-token:[^\s@]+/gi, "x-access-token:***"],
  [/\bgh[pousr]_[A-Za-z0-9]{16,}/g, "gh*_***"],
  [/\bgithub_pat_[A-Za-z0-9_]{16,}/g, "github_pat_***"],
  [/\bv1\.[0-9a-f]{40}\b/g, "v1.***"],
  [/\b((?:authorization|x-api-key)\s*[:=]\s*(?:token|bearer|basic)?\s*)[^\s"',]+/gi, "$1***"],
];

/** `text` with every GitHub token and URL credential replaced by `***`. Applied to every log line and write. */
export function redactSecrets(text: string): string {
  return SECRETS.reduce((out, [pattern, replacement]) => out.replace(pattern, replacement), text);
}

/** The length of the longest run of backticks in `text` (0 when none). */
/** Breaks `<!--` so no quoted text can carry a marker the app reads (`<!-- merge-window:… -->`), even in code. */
const defuseMarkers = (text: string) => text.replace(/<!--/g, `<!${ZWJ}--`);

const longestRun = (text: string) => Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length));

/**
 * `text` as an inline code span that nothing inside can end: delimited by a backtick run longer than any
 * in the text, padded with one space each side when it starts or ends with a backtick or a space (CommonMark
 * strips exactly those), line breaks flattened to spaces. Inside a code span nothing is live: no mention,
 * no HTML, no command at a line start.
 */
export function renderCode(text: string): string {
  const flat = defuseMarkers(redactSecrets(text)).replace(/[\r\n]+/g, " ");
  const fence = "`".repeat(longestRun(flat) + 1);
  const pad = /^[` ]|[` ]$/.test(flat) ? " " : "";
  return `${fence}${pad}${flat}${pad}${fence}`;
}

/** `text` as a fenced code block (verbatim, nothing live) whose fence no line of the text can close. */
export function renderCodeBlock(text: string, info = ""): string {
  const body = defuseMarkers(redactSecrets(text)).replace(/\r\n?/g, "\n");
  const fence = "`".repeat(Math.max(3, longestRun(body) + 1));
  return `${fence}${info}\n${body}${body.endsWith("\n") ? "" : "\n"}${fence}`;
}

/**
 * `text` as inert Markdown prose: `&`, `<`, `>` escaped (no HTML, no hidden markers), `@name` and `#123`
 * broken with a zero-width joiner (no mention, no cross-reference), and a `/` or `>` at a line start
 * preceded by one (no command another bot or this app would run, no quote). Newlines are kept.
 */
export function renderText(text: string): string {
  return redactSecrets(text)
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/@(?=[A-Za-z0-9_-])/g, `@${ZWJ}`)
    .replace(/#(?=\d)/g, `#${ZWJ}`)
    .replace(/^([ \t]*)(?=\/)/gm, `$1${ZWJ}`);
}

/** FNV-1a over UTF-16 code units, as 8 hex digits: a short, stable fingerprint (not a security hash). */
export function hashText(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return hash.toString(16).padStart(8, "0");
}

/**
 * `name` if it has at most `max` characters; otherwise its start, `…` and a hash of the whole name, `max`
 * characters in all, so two long names that share a start stay apart and the same name always maps the same.
 */
export function shortenName(name: string, max: number): string {
  if (max < 12) throw new RangeError(`shortenName: max ${max} leaves no room for the hash`);
  if (name.length <= max) return name;
  const tail = `…${hashText(name)}`;
  let head = name.slice(0, max - tail.length);
  if (/[\uD800-\uDBFF]$/.test(head)) head = head.slice(0, -1); // never cut a surrogate pair in half
  return head + tail;
}

/**
 * `body` without its HTML comments, which GitHub hides from readers: `<!-- … -->`, the empty `<!-->` and
 * `<!--->`, and an unclosed `<!--`, taken to the end (it may hide the rest; reading less is the safe side).
 */
export function stripHtmlComments(body: string): string {
  return body.replace(/<!--(?:-?>|[\s\S]*?-->|[\s\S]*$)/g, "");
}
