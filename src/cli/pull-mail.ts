// The whole [GIT PULL] message for the CLI: headers (From, Date, To, Cc, Subject), greeting, intro, sign-off, body,
// printed (--mail) or written as an mbox for git send-email (--mbox FILE); and the push check's report.
import { writeFileSync } from "node:fs";
import type { Config } from "../config/load.ts";
import { InputError } from "../domain/errors.ts";
import { parseWithTemplate } from "../domain/names.ts";
import { renderPullRequestMail, renderSubject } from "../domain/request-pull.ts";
import { dateStampOf } from "../domain/time.ts";
import type { GitRunner } from "../adapters/git/runner.ts";

export interface MailRequest {
  readonly config: Config;
  readonly tag: string;
  /** The stable branch the tag is on (its version names the release), or null. */
  readonly branch: string | null;
  /** Whether the base is an upstream release (the window PR) rather than an earlier PR tag (fixes). */
  readonly window: boolean;
  readonly body: string;
  readonly now: Date;
}

/** The mail's headers and text (without the mbox `From ` line). */
export async function renderCliMail(git: GitRunner, request: MailRequest): Promise<string> {
  const { config, tag, now } = request;
  const version = request.branch
    ? (parseWithTemplate(config.branches.stable, request.branch)?.fields.version ?? "")
    : "";
  const date =
    parseWithTemplate(config.tags.name, tag, { suffix: true })?.fields.date ?? dateStampOf(now, config.timeZone);
  const subject = renderSubject(config.pullRequest.subject, {
    subsystem: config.subsystem,
    tag,
    version,
    date,
    rc: "",
  });
  const what = request.window
    ? `the Linux v${version} merge window`
    : `the current Linux v${version} release candidate`;
  const mail = renderPullRequestMail({
    subject,
    to: config.pullRequest.to,
    cc: config.pullRequest.cc,
    greeting: config.pullRequest.greeting,
    intro:
      `Here are the ${config.subsystem} ${request.window ? "patches" : "fixes"} for ${what}.\n\n` +
      `<summary of the notable changes>`,
    signoff: config.pullRequest.signoff ?? "",
    body: request.body,
  });
  return `From: ${await readSender(git)}\nDate: ${formatMailDate(now)}\n${mail}`;
}

/** `Name <email>` from the clone's git config (user.name, user.email); refuses when either is missing. */
async function readSender(git: GitRunner): Promise<string> {
  const name = (await git.tryRun(["config", "--get", "user.name"]))?.trim();
  const email = (await git.tryRun(["config", "--get", "user.email"]))?.trim();
  if (!name || !email || /[\r\n<>]/.test(name + email))
    throw new InputError("no-sender", "the mail needs a sender: set git config user.name and user.email");
  return `${name} <${email}>`;
}

/** RFC 2822 date in UTC, e.g. `Tue, 12 Mar 2024 23:18:26 +0000`. */
export function formatMailDate(now: Date): string {
  return now.toUTCString().replace(/GMT$/, "+0000");
}

/** Writes the mail as a one-message mbox (the `From ` separator git format-patch uses), ready for git send-email. */
export function writeMbox(file: string, mail: string): void {
  const quoted = mail.replace(/^(>*From )/gm, ">$1").replace(/^>(From: )/m, "$1");
  writeFileSync(file, `From merge-window Mon Sep 17 00:00:00 2001\n${quoted}`);
}
