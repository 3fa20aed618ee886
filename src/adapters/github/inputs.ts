// What the GitHub adapter accepts before any request: marker keys, refs, names; and the body fitting
// that keeps hidden markers when GitHub's size limit forces a cut.
import { InputError } from "../../domain/errors.ts";
import { assertSafeRefName } from "../../domain/names.ts";
import { fitBody, MAX_BODY } from "../../domain/tracking-issue.ts";

const MARKER_KEY = /^[A-Za-z0-9:@#._/-]{1,200}$/;
const ISSUE_MARKER = /^<!-- merge-window:([A-Za-z0-9:@#._/-]{1,200}) -->$/;
/** Every hidden merge-window marker in a body (tracking marker, comment keys, the metadata block). */
const ANY_MARKER = /<!-- merge-window:[^\n]*? -->/g;
const LOGIN = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$/;
const REPO_PART = /^[A-Za-z0-9_.-]{1,100}$/;
const PATH_SEGMENT = /^[A-Za-z0-9_.-]+$/;

/**
 * The hidden marker a comment carries at its end: `<!-- merge-window:KEY -->`; refuses keys outside
 * `[A-Za-z0-9:@#._/-]`.
 */
export function renderCommentMarker(key: string): string {
  if (!MARKER_KEY.test(key)) {
    throw new InputError(
      "bad-marker-key",
      `comment marker key ${JSON.stringify(key.slice(0, 60))} refused: only A-Z a-z 0-9 : @ # . _ / - are ` +
        `allowed (1-200 characters)`,
    );
  }
  return `<!-- merge-window:${key} -->`;
}

/** Checks an issue marker is a whole `<!-- merge-window:KEY -->` comment and returns it. */
export function assertIssueMarker(marker: string): string {
  if (!ISSUE_MARKER.test(marker)) {
    throw new InputError(
      "bad-marker",
      `issue marker ${JSON.stringify(marker.slice(0, 60))} refused: expected "<!-- merge-window:KEY -->" with ` +
        `KEY in [A-Za-z0-9:@#._/-]`,
    );
  }
  return marker;
}

/** True when `user` is this app's bot: only then are markers in what it wrote trusted. */
export function isAppAuthored(user: { login: string; type: string } | null | undefined, appSlug: string): boolean {
  return user?.login === `${appSlug}[bot]` && user.type === "Bot";
}

const TRAILING_MARKER = /<!-- merge-window:([A-Za-z0-9:@#._/-]{1,200}) -->$/;

/** The key of the marker `body` ends with (trailing whitespace aside); null when it ends with none. */
export function readCommentKey(body: string | null | undefined): string | null {
  return TRAILING_MARKER.exec((body ?? "").trimEnd())?.[1] ?? null;
}

/** True when `body` ends with `marker` (trailing whitespace aside). */
export function endsWithMarker(body: string | null | undefined, marker: string): boolean {
  return (body ?? "").trimEnd().endsWith(marker);
}

/** A comment body under GitHub's limit that ends with `marker` (cut with a note when too long). */
export function fitCommentBody(body: string, marker: string): string {
  return fitBody(body.split(marker).join("").trimEnd(), marker);
}

/**
 * An issue body under GitHub's limit that contains `marker` (appended when missing). A body that fits is
 * sent as given; a longer one is cut with a note, its hidden markers moved after the cut so none is lost.
 */
export function fitIssueBody(body: string, marker?: string): string {
  const whole = marker === undefined || body.includes(marker) ? body : `${body.trimEnd()}\n\n${marker}`;
  if (whole.length <= MAX_BODY) return whole;
  const markers = [...new Set(whole.match(ANY_MARKER) ?? [])];
  const trailer = markers.join("\n");
  if (trailer.length > MAX_BODY / 2) {
    throw new InputError(
      "body-too-long",
      `issue body's hidden markers alone take ${trailer.length} characters; GitHub allows ${MAX_BODY} in all`,
    );
  }
  return fitBody(whole.replace(ANY_MARKER, "").trimEnd(), trailer);
}

/** Splits `owner/name`, refusing anything that is not a plain GitHub repository name. */
export function parseRepoName(repo: string): { owner: string; repo: string } {
  const [owner = "", name = "", ...rest] = repo.split("/");
  if (rest.length > 0 || !LOGIN.test(owner) || !REPO_PART.test(name) || name === "." || name === "..") {
    throw new InputError("bad-repo", `repository ${JSON.stringify(repo.slice(0, 80))} refused: expected owner/name`);
  }
  return { owner, repo: name };
}

/** A pull request head: `branch` or `owner:branch`; returns it qualified as `owner:branch`. */
export function qualifyHead(head: string, defaultOwner: string): string {
  const colon = head.indexOf(":");
  const owner = colon === -1 ? defaultOwner : head.slice(0, colon);
  const branch = colon === -1 ? head : head.slice(colon + 1);
  if (!LOGIN.test(owner))
    throw new InputError("bad-head", `pull request head ${JSON.stringify(head.slice(0, 80))} refused: bad owner`);
  assertSafeRefName(branch, "pull request head branch");
  return `${owner}:${branch}`;
}

/** A GitHub login (users; apps' `name[bot]` never holds permissions to ask about). */
export function isLogin(login: string): boolean {
  return LOGIN.test(login);
}

/** A label name: 1-50 characters, no comma (the issues listing reads commas as separators). */
export function assertLabel(label: string): string {
  if (label.trim().length === 0 || label.length > 50 || label.includes(",")) {
    throw new InputError("bad-label", `label ${JSON.stringify(label.slice(0, 60))} refused: 1-50 characters, no comma`);
  }
  return label;
}

/** A repository file path: plain segments, no `.`/`..`, no leading `/`. */
export function assertFilePath(path: string): string {
  const segments = path.split("/");
  if (path.length > 300 || segments.some((s) => !PATH_SEGMENT.test(s) || s === "." || s === "..")) {
    throw new InputError(
      "bad-path",
      `file path ${JSON.stringify(path.slice(0, 80))} refused: plain segments of A-Z a-z 0-9 _ . - only`,
    );
  }
  return path;
}

/** A workflow file name (`tests.yml`) or numeric id. */
export function assertWorkflow(workflow: string): string {
  if (!/^[A-Za-z0-9_-][A-Za-z0-9_.-]{0,99}$/.test(workflow)) {
    throw new InputError(
      "bad-workflow",
      `workflow ${JSON.stringify(workflow.slice(0, 60))} refused: a file name like tests.yml or a numeric id`,
    );
  }
  return workflow;
}

/** A positive issue or pull request number. */
export function assertNumber(value: number, what: string): number {
  if (!Number.isSafeInteger(value) || value <= 0)
    throw new InputError("bad-number", `${what} ${value} is not a positive integer`);
  return value;
}
