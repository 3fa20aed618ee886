// The zod schema of .github/merge-window.yml: one source for validation, the Config type and the editor JSON schema.
import { z } from "zod";
import { COMMAND_PERMISSIONS } from "../domain/commands.ts";
import { isValidSubsystem } from "../domain/names.ts";
import { RC1_DECISION_VARIANTS, VARIANT_IDS } from "../domain/process.ts";
import { WEEKDAYS } from "../domain/settings.ts";
import { assertTimeZone } from "../domain/time.ts";
import { describeFileNameProblem, describeMailboxProblem, describePathProblem } from "./checks.ts";
import { boundedInt, branchTemplate, checkedString, label, refName, text, textTemplate, url } from "./fields.ts";

const NAME_FIELDS = ["subsystem", "date", "version", "rc"];
const KERNEL_ORG_LINUX = "https://git.kernel.org/pub/scm/linux/kernel/git/torvalds/linux.git";

const subsystem = checkedString((value) =>
  isValidSubsystem(value)
    ? undefined
    : "must be lowercase a-z 0-9 words joined by . _ or - (at most 40 characters), e.g. selinux",
);

const timeZone = checkedString((value) => {
  try {
    assertTimeZone(value);
    return undefined;
  } catch {
    return `${JSON.stringify(value)} is not an IANA time zone (e.g. UTC, America/New_York)`;
  }
});

const branches = z
  .strictObject({
    next: branchTemplate()
      .default("next")
      .describe("Branch that collects patches for the next merge window (`{subsystem}` allowed)."),
    stable: branchTemplate({ allowed: ["subsystem", "version"], requireOneOf: ["version"] })
      .default("stable-{version}")
      .describe("Branch sent to Linus for release X.Y; must contain `{version}` (e.g. stable-6.9)."),
    dev: branchTemplate()
      .default("dev")
      .describe("dev-model only: patches for the coming window, based on the latest -rc1. Other variants ignore it."),
    devStaging: branchTemplate()
      .default("dev-staging")
      .describe("dev-model only: patches that came too late or target no window yet. Other variants ignore it."),
  })
  .describe("Branch names of the subsystem tree.");

const tags = z
  .strictObject({
    name: branchTemplate({ allowed: NAME_FIELDS, requireOneOf: ["date", "version"] })
      .default("{subsystem}-pr-{date}")
      .describe(
        "Tag name template; fields {subsystem} {date} {version} {rc}; must contain {date} or {version}. A " +
          "second tag on one day gets -2, -3, …",
      ),
    message: textTemplate({ allowed: NAME_FIELDS })
      .default("{subsystem}/stable-{version} PR {date}")
      .describe("Tag message template (one line); fields {subsystem} {date} {version} {rc}."),
    maxDateSkewDays: boundedInt(0, 7)
      .default(1)
      .describe("How many days a tag's {date} may differ from its tagger date."),
  })
  .describe("Signed pull-request tags.");

const signing = z
  .strictObject({
    mode: z
      .enum(["maintainer", "app"])
      .default("maintainer")
      .describe(
        "maintainer: the app posts the exact `git tag -s` commands; app: the app signs with a key from its " +
          "own environment (key material never goes in this file).",
      ),
    allowedSigners: z
      .array(z.string().regex(/^[0-9A-Fa-f]{40}$/, "must be a 40-hex-digit GPG fingerprint without spaces"))
      .default([])
      .describe("GPG key fingerprints (40 hex digits) whose tag signatures are accepted."),
    allowedSignersFile: checkedString(describePathProblem)
      .nullable()
      .default(null)
      .describe("Path, in this repository, of an SSH allowed_signers file for SSH-signed tags; null for none."),
  })
  .describe("Who signs tags and whose signatures are accepted. Key material is never configured here.");

const upstream = z
  .strictObject({
    url: url(["https", "git", "file"])
      .default(KERNEL_ORG_LINUX)
      .describe("Mainline repository to fetch release tags from (https://, git:// or file://)."),
    branch: refName()
      .default("master")
      .describe("Upstream branch whose history decides whether a sent tag was merged."),
    subsystemPaths: z
      .array(checkedString(describePathProblem))
      .default([])
      .describe(
        'Repository-relative path prefixes of the subsystem (e.g. "security/selinux/"); used to count ' +
          "upstream changes for rebase advice. Empty: not counted.",
      ),
  })
  .describe("The mainline tree whose clock the subsystem follows.");

const cycle = z
  .strictObject({
    lateThreshold: boundedInt(2, 12)
      .default(6)
      .describe("From this -rc on the cycle is late: only small patches or critical fixes go into next."),
    rebaseByDay: boundedInt(1, 14)
      .default(3)
      .describe("Merge-window day (1 = the release day) by which any rebase must be done."),
    sendByDay: boundedInt(1, 14).default(7).describe("Merge-window day by which the [GIT PULL] should be sent."),
    rebaseDecisionByRc: boundedInt(2, 8)
      .default(2)
      .describe(
        `${RC1_DECISION_VARIANTS.join(", ")} (the variants that decide the rebase after -rc1): a rebase is ` +
          `allowed until this -rc is tagged, and an open decision is overdue after it. At most ` +
          `cycle.lateThreshold. The other variants decide when the window opens and ignore it.`,
      ),
    fixesReminderDays: boundedInt(1, 60)
      .default(3)
      .describe("Commits on stable-X.Y not covered by a sent tag for this many days get a reminder."),
  })
  .describe("Deadlines of the cycle, in -rc numbers and merge-window days.");

const lateDeferral = z
  .strictObject({
    enabled: z
      .boolean()
      .default(true)
      .describe("Label and comment on large pull requests into next after the late threshold."),
    maxLines: boundedInt(1, 100_000)
      .default(300)
      .describe("Pull requests above this many changed lines (additions + deletions) are deferred when late."),
    label: label().default("merge-window: deferred").describe("Label put on deferred pull requests."),
    fixLabels: z
      .array(label())
      .default(["fix", "bug"])
      .describe("Labels that mark a pull request as a fix (the app suggests retargeting it to stable-X.Y)."),
  })
  .describe("Late-cycle deferral of large pull requests into next.");

const openUpstreamPr = z
  .strictObject({
    repo: z
      .string()
      .regex(/^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})\/[A-Za-z0-9._-]{1,100}$/, 'must be "owner/name"')
      .describe('Upstream GitHub repository, "owner/name".'),
    branch: refName().default("master").describe("Base branch of the upstream pull request."),
  })
  .describe("Also open a GitHub pull request with the same text.");

const pullRequest = z
  .strictObject({
    to: z
      .array(checkedString(describeMailboxProblem))
      .min(1, "must list at least one recipient")
      .default(["Linus Torvalds <torvalds@linux-foundation.org>"])
      .describe('To: recipients, "Name <user@host>" or "user@host".'),
    cc: z
      .array(checkedString(describeMailboxProblem))
      .default(["linux-kernel@vger.kernel.org"])
      .describe("Cc: recipients (the subsystem list and LKML)."),
    subject: textTemplate({
      allowed: ["subsystem", "tag", "version", "date", "rc"],
      requireOneOf: ["tag", "version", "date"],
    })
      .default("[GIT PULL] {subsystem}/{tag}")
      .describe("Subject template; fields {subsystem} {tag} {version} {date} {rc}."),
    greeting: text(200, true).default("Hi Linus,").describe("First line of the mail body."),
    signoff: text(200, true)
      .nullable()
      .default(null)
      .describe('Closing line(s) before the request-pull output (e.g. "-Paul"); null for none.'),
    url: url(["https", "git"])
      .nullable()
      .default(null)
      .describe(
        "Public fetch URL printed by request-pull (https:// or git://); null: the repository's own clone URL " +
          "(e.g. https://github.com/OWNER/REPO.git).",
      ),
    style: z
      .enum(["git", "wrapped"])
      .default("git")
      .describe(
        "git: byte-identical to `git request-pull`; " +
          "wrapped: URL and tag on separate lines, lines over 78 columns split (Paul Moore's style).",
      ),
    openUpstreamPr: openUpstreamPr
      .nullable()
      .default(null)
      .describe('null, or { repo: "owner/name", branch } to also open a GitHub pull request.'),
  })
  .describe("The [GIT PULL] mail.");

const tests = z
  .strictObject({
    workflow: checkedString((value) => describeFileNameProblem(value, [".yml", ".yaml"]))
      .nullable()
      .default(null)
      .describe(
        "File name in .github/workflows dispatched weekly for next and the newest stable-X.Y; null: no test builds.",
      ),
    weekday: z.enum(WEEKDAYS).default("monday").describe("Day of the weekly test dispatch."),
  })
  .describe("Weekly test builds.");

const automation = z
  .strictObject({
    createStable: z
      .enum(["command", "auto"])
      .default("command")
      .describe("command: create stable-X.Y on /merge-window create-stable; auto: at the variant's point."),
    rebase: z
      .enum(["command", "auto"])
      .default("command")
      .describe("command: rebase on /merge-window rebase; auto: when due (still needs the maintainer's yes)."),
    deleteInvalidTags: z
      .boolean()
      .default(false)
      .describe("Delete pushed tags that fail validation (needs allowedSigners or allowedSignersFile)."),
  })
  .describe("Which destructive steps may run without a command. All are off by default.");

const permissions = z
  .strictObject({
    commands: z
      .enum(COMMAND_PERMISSIONS)
      .default("write")
      .describe("Minimum repository permission to run /merge-window commands (never below write)."),
    destructive: z
      .enum(COMMAND_PERMISSIONS)
      .default("maintain")
      .describe("Minimum permission for rebase and create-stable; at least `commands`."),
  })
  .describe("Who may command the app, checked against GitHub at execution time.");

const trackingIssue = z
  .strictObject({
    label: label().default("merge-window").describe("Label of the tracking issues."),
    titleTemplate: textTemplate({ allowed: ["version", "subsystem"], requireOneOf: ["version"] })
      .default("merge-window: v{version} ({subsystem})")
      .describe("Title of the per-cycle issue; must contain {version}."),
  })
  .describe("The one tracking issue per cycle.");

const backups = z
  .strictObject({
    deleteAfterDays: boundedInt(7, 3650)
      .default(90)
      .describe("A backup ref (refs/merge-window/backup/…) may be deleted this many days after its stamp."),
    cleanup: z
      .enum(["dry-run", "delete"])
      .default("dry-run")
      .describe(
        "dry-run: the daily cleanup only logs what it would delete; delete: it deletes old backups whose commit " +
          "a branch or tag still holds (never any other ref).",
      ),
  })
  .describe("The backups pushed before every rebase, and their cleanup.");

/** The fields of `.github/merge-window.yml` before the cross-field rules (load.ts adds them: configSchema). */
export const configObjectSchema = z.strictObject({
  subsystem: subsystem.describe(
    "Subsystem name used in tags and titles: lowercase a-z 0-9 words joined by . _ - (e.g. selinux).",
  ),
  variant: z
    .enum(VARIANT_IDS)
    .default("rebase-at-window-open")
    .describe(
      "rebase-at-window-open (A, the seed), rebase-at-rc1 (B), dev-model (C, dev/dev-staging) or " +
        "stable-before-window (2016).",
    ),
  timeZone: timeZone.default("UTC").describe("IANA time zone for day boundaries and {date}."),
  dryRun: z.boolean().default(false).describe("true: log every effect, change nothing."),
  branches: branches.prefault({}),
  tags: tags.prefault({}),
  signing: signing.prefault({}),
  upstream: upstream.prefault({}),
  cycle: cycle.prefault({}),
  lateDeferral: lateDeferral.prefault({}),
  pullRequest: pullRequest.prefault({}),
  tests: tests.prefault({}),
  automation: automation.prefault({}),
  permissions: permissions.prefault({}),
  trackingIssue: trackingIssue.prefault({}),
  backups: backups.prefault({}),
});
