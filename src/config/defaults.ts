// The built-in configuration as plain data (no zod): what the schema's defaults fill in for a subsystem. The CLI's
// fast paths start from it; tests/config/light.test.ts keeps it equal to the schema's defaultConfig().
import type { Config } from "./load.ts";

/** Every default of the schema for `subsystem` (a valid subsystem name, checked by the caller). */
export function buildDefaultConfig(subsystem: string): Config {
  return {
    subsystem,
    variant: "rebase-at-window-open",
    timeZone: "UTC",
    dryRun: false,
    branches: { next: "next", stable: "stable-{version}", dev: "dev", devStaging: "dev-staging" },
    tags: {
      name: "{subsystem}-pr-{date}",
      message: "{subsystem}/stable-{version} PR {date}",
      maxDateSkewDays: 1,
    },
    signing: { mode: "maintainer", allowedSigners: [], allowedSignersFile: null },
    upstream: {
      url: "https://git.kernel.org/pub/scm/linux/kernel/git/torvalds/linux.git",
      branch: "master",
      subsystemPaths: [],
    },
    cycle: { lateThreshold: 6, rebaseByDay: 3, sendByDay: 7, rebaseDecisionByRc: 2, fixesReminderDays: 3 },
    lateDeferral: { enabled: true, maxLines: 300, label: "merge-window: deferred", fixLabels: ["fix", "bug"] },
    pullRequest: {
      to: ["Linus Torvalds <torvalds@linux-foundation.org>"],
      cc: ["linux-kernel@vger.kernel.org"],
      subject: "[GIT PULL] {subsystem}/{tag}",
      greeting: "Hi Linus,",
      signoff: null,
      url: null,
      style: "git",
      openUpstreamPr: null,
    },
    tests: { workflow: null, weekday: "monday" },
    automation: { createStable: "command", rebase: "command", deleteInvalidTags: false },
    permissions: { commands: "write", destructive: "maintain" },
    trackingIssue: { label: "merge-window", titleTemplate: "merge-window: v{version} ({subsystem})" },
    backups: { deleteAfterDays: 90, cleanup: "dry-run" },
  };
}
