// One whole kernel cycle, v6.8-rc1 → v6.8 → the v6.9 merge window → Linus merges the pull request, as a list of
// dated steps per process variant. Tests and `npm run demo` run the same steps against a replay.
import { RC1_DECISION_VARIANTS, usesDevBranches, type VariantId } from "../domain/process.ts";
import type { DeliverOptions } from "./forge/index.ts";
import { OWNER, REPO, type Replay } from "./replay.ts";
import { findTrackingIssue } from "./replay-state.ts";
import { BAUEN1, CHRISTIAN, MICKAEL, ONDREJ, PAUL, STEPHEN } from "./scenario-people.ts";
import type { PatchSpec } from "./scenario-maintainer.ts";
import { PUBLIC_URL } from "./scenario-prehistory.ts";
import { findReleaseTag, type ReleaseTag } from "./scenario-releases.ts";
import { parseGitTime } from "./scenario-time.ts";

export type StepActor = "linus" | "schedule" | "maintainer" | "contributor" | "reader";

export interface CycleStep {
  readonly id: string;
  /** When the step happens (the clock is set there first; an upstream tag sets its own instant). */
  readonly at: string;
  readonly actor: StepActor;
  readonly title: string;
  run(replay: Replay, context: CycleContext): Promise<void>;
}

export interface CycleContext {
  /** How webhooks are delivered in this run (in order, or reversed and duplicated). */
  readonly deliver: DeliverOptions;
}

/** The tags of the cycle. */
export const CYCLE_TAGS = {
  /** On stable-6.8, a fix for v6.8-rc3; Linus merges it. */
  fixes: "selinux-pr-20240203",
  /** Signed, but its date does not exist: refused. */
  impossible: "selinux-pr-20240231",
  /** Annotated, not signed: refused (pushed with the others in the dev-model run). */
  unsigned: "selinux-pr-20240310",
  /** Not annotated: refused (dev-model run). */
  lightweight: "selinux-pr-20240309",
  /** The merge-window pull request. */
  window: "selinux-pr-20240311",
} as const;

const source = (variant: VariantId) => (usesDevBranches(variant) ? "dev" : "next");

/** The tracking issue's number (it exists from the first step on). */
function trackingIssueNumber(replay: Replay): number {
  const issue = findTrackingIssue(replay.forge, OWNER, REPO);
  if (!issue) throw new Error("replay: the app has not opened a tracking issue");
  return issue.number;
}

function patchesStep(id: string, at: string, variant: VariantId, patches: readonly PatchSpec[]): CycleStep {
  return {
    id,
    at,
    actor: "maintainer",
    title:
      `merges ${patches.length} patch(es) into ${source(variant)} ` +
      `(${[...new Set(patches.map((p) => p.author.name))].join(", ")}) and pushes`,
    async run(replay, context) {
      await replay.maintainer.commitPatches(source(variant), patches, parseGitTime(at));
      await replay.settle(context.deliver);
    },
  };
}

function buildUpstreamStep(tag: string, releases: readonly ReleaseTag[], extra: string): CycleStep {
  const release = findReleaseTag(releases, tag);
  return {
    id: tag,
    at: new Date(parseGitTime(release.date).epoch * 1000).toISOString(),
    actor: "linus",
    title: `tags ${tag}${extra}; merge-window's upstream poll sees it 10 minutes later`,
    async run(replay, context) {
      await replay.tagUpstream(tag);
      replay.at(new Date(replay.clock.now().getTime() + 10 * 60_000));
      await replay.poll(context.deliver);
    },
  };
}

function commandStep(
  id: string,
  at: string,
  actor: "maintainer" | "contributor" | "reader",
  command: string,
): CycleStep {
  return {
    id,
    at,
    actor,
    title: `comments \`${command}\``,
    async run(replay, context) {
      const issue = trackingIssueNumber(replay);
      if (actor === "maintainer") await replay.maintainer.comment(issue, command);
      else {
        const client = actor === "contributor" ? replay.contributor : replay.reader;
        await client.request("POST /repos/{owner}/{repo}/issues/{issue_number}/comments", {
          owner: OWNER,
          repo: REPO,
          issue_number: issue,
          body: command,
        });
      }
      await replay.settle(context.deliver);
    },
  };
}

function tickStep(id: string, at: string, title: string, poll = false): CycleStep {
  return {
    id,
    at,
    actor: "schedule",
    title,
    async run(replay, context) {
      if (poll) await replay.poll(context.deliver);
      await replay.tick(context.deliver);
    },
  };
}

export interface CycleOptions {
  /**
   * Variant A: while the app's rebase push is on its way, the maintainer pushes a patch to next; the app's
   * compare-and-swap push is refused, and the maintainer asks again. Needs `interceptAppPushes`.
   */
  readonly raceRebase?: boolean;
}

/** The racing patch of `raceRebase`. */
export const RACING_PATCH: PatchSpec = {
  subject: "selinux: fix a comment typo in the avc code",
  author: STEPHEN,
  file: "security/selinux/avc.c",
};

/** The steps of the cycle for `variant`, in time order; upstream steps carry their tag's instant from `releases`. */
export function buildCycleSteps(
  variant: VariantId,
  releases: readonly ReleaseTag[],
  options: CycleOptions = {},
): CycleStep[] {
  const devModel = usesDevBranches(variant);
  const decidesAtRc1 = RC1_DECISION_VARIANTS.includes(variant);
  const upstreamStep = (tag: string, extra = "") => buildUpstreamStep(tag, releases, extra);
  const steps: CycleStep[] = [
    tickStep(
      "start",
      "2024-01-22T10:00:00Z",
      "merge-window is installed; its scheduled jobs run (upstream poll, hourly check)",
      true,
    ),
  ];
  if (decidesAtRc1)
    steps.push(commandStep("decide-rebase", "2024-01-23T14:00:00Z", "maintainer", "/merge-window rebase"));
  steps.push(
    patchesStep("patches-1", "2024-01-25T15:00:00Z", variant, [
      {
        subject: "selinux: fix style issues in security/selinux/ss/avtab.c",
        author: ONDREJ,
        file: "security/selinux/ss/services.c",
      },
      { subject: "selinux: rename the symtab helpers", author: MICKAEL, file: "security/selinux/ss/symtab.c" },
      { subject: "selinux: add a binary policy loader test hook", author: CHRISTIAN, file: "security/selinux/hooks.c" },
    ]),
    upstreamStep("v6.8-rc2"),
    {
      id: "fix",
      at: "2024-01-30T16:00:00Z",
      actor: "maintainer",
      title: "commits a fix to stable-6.8 (for v6.8-rc3) and pushes",
      async run(replay, context) {
        await replay.maintainer.commitPatches(
          "stable-6.8",
          [
            {
              subject: "selinux: fix a leak of the policy capability table",
              author: ONDREJ,
              file: "security/selinux/ss/conditional.c",
              body: 'Fixes: 0123456789ab ("selinux: document the policy capability bits")',
            },
          ],
          parseGitTime("2024-01-30T16:00:00Z"),
        );
        await replay.settle(context.deliver);
      },
    },
    tickStep("fixes-reminder", "2024-02-03T10:17:00Z", "hourly check"),
    {
      id: "fixes-tag",
      at: "2024-02-03T18:00:00Z",
      actor: "maintainer",
      title: `signs ${CYCLE_TAGS.fixes} on stable-6.8 and pushes it`,
      async run(replay, context) {
        await replay.maintainer.tag({
          name: CYCLE_TAGS.fixes,
          target: "stable-6.8",
          at: parseGitTime("2024-02-03T18:00:00Z"),
          message: "selinux/stable-6.8 PR 20240203",
        });
        await replay.maintainer.pushTags([CYCLE_TAGS.fixes]);
        await replay.settle(context.deliver);
      },
    },
    {
      id: "merge-fixes",
      at: "2024-02-04T20:00:00Z",
      actor: "linus",
      title: `merges ${CYCLE_TAGS.fixes} into master`,
      async run(replay) {
        await replay.upstream.merge({
          fromUrl: replay.forge.gitUrl(OWNER, REPO),
          tag: CYCLE_TAGS.fixes,
          at: parseGitTime("2024-02-04T20:00:00Z"),
          publicUrl: PUBLIC_URL,
          summary: "selinux fixes from Paul Moore.",
        });
      },
    },
    upstreamStep("v6.8-rc3"),
    patchesStep("patches-2", "2024-02-06T15:00:00Z", variant, [
      {
        subject: "selinux: allow dontauditx and auditallowx rules without allowx",
        author: BAUEN1,
        file: "security/selinux/ss/policydb.c",
      },
      { subject: "selinux: cache the sid of the kernel socket", author: STEPHEN, file: "security/selinux/avc.c" },
    ]),
    upstreamStep("v6.8-rc4"),
    upstreamStep("v6.8-rc5"),
    patchesStep("patches-3", "2024-02-20T15:00:00Z", variant, [
      { subject: "selinux: update the MAINTAINERS entry", author: PAUL, file: "security/selinux/include/security.h" },
    ]),
    upstreamStep("v6.8-rc6", " (the cycle is late from here)"),
    upstreamStep("v6.8-rc7", " (most likely the last rc)"),
    upstreamStep("v6.8", ": the v6.9 merge window opens"),
    commandStep("contributor-denied", "2024-03-11T09:00:00Z", "contributor", "/merge-window create-stable"),
    commandStep("reader-denied", "2024-03-11T09:05:00Z", "reader", "/merge-window status"),
  );
  if (!decidesAtRc1) {
    const rebase = commandStep("rebase", "2024-03-11T09:30:00Z", "maintainer", "/merge-window rebase");
    if (!options.raceRebase) steps.push(rebase);
    else {
      steps.push(
        {
          ...rebase,
          title: `${rebase.title}; while the app's push of next is on its way, he pushes one more patch to next`,
          async run(replay, context) {
            replay.beforeAppPush("refs/heads/next", async () => {
              await replay.maintainer.commitPatches("next", [RACING_PATCH], parseGitTime("2024-03-11T09:30:00Z"));
            });
            await rebase.run(replay, context);
          },
        },
        commandStep("rebase-again", "2024-03-11T09:45:00Z", "maintainer", "/merge-window rebase"),
      );
    }
    steps.push(commandStep("create-stable", "2024-03-11T10:00:00Z", "maintainer", "/merge-window create-stable"));
  }
  if (devModel) {
    steps.push(
      {
        id: "tags",
        at: "2024-03-11T15:00:00Z",
        actor: "maintainer",
        title: `pushes four tags at once (${CYCLE_TAGS.window} signed; three bad ones): GitHub sends no webhook`,
        async run(replay, context) {
          const at = parseGitTime("2024-03-11T15:00:00Z");
          await replay.maintainer.tag({
            name: CYCLE_TAGS.window,
            target: "stable-6.9",
            at,
            message: "selinux/stable-6.9 PR 20240311",
          });
          await replay.maintainer.tag({
            name: CYCLE_TAGS.impossible,
            target: "stable-6.9",
            at,
            message: "selinux/stable-6.9 PR 20240231",
          });
          await replay.maintainer.tag({
            name: CYCLE_TAGS.unsigned,
            target: "stable-6.9",
            at,
            message: "selinux/stable-6.9 PR 20240310",
            signed: false,
          });
          await replay.maintainer.repo.setRef(
            `refs/tags/${CYCLE_TAGS.lightweight}`,
            (await replay.maintainer.repo.resolve("refs/remotes/origin/stable-6.9"))!,
          );
          await replay.maintainer.pushTags([
            CYCLE_TAGS.window,
            CYCLE_TAGS.impossible,
            CYCLE_TAGS.unsigned,
            CYCLE_TAGS.lightweight,
          ]);
          await replay.settle(context.deliver);
        },
      },
      tickStep("sweep", "2024-03-11T15:17:00Z", "hourly check (it also finds tags pushed without a webhook)"),
    );
  } else {
    steps.push(
      {
        id: "bad-tag",
        at: "2024-03-11T14:00:00Z",
        actor: "maintainer",
        title: `signs and pushes ${CYCLE_TAGS.impossible} (a typo in the date)`,
        async run(replay, context) {
          await replay.maintainer.tag({
            name: CYCLE_TAGS.impossible,
            target: "stable-6.9",
            at: parseGitTime("2024-03-11T14:00:00Z"),
            message: "selinux/stable-6.9 PR 20240231",
          });
          await replay.maintainer.pushTags([CYCLE_TAGS.impossible]);
          await replay.settle(context.deliver);
        },
      },
      {
        id: "good-tag",
        at: "2024-03-11T15:00:00Z",
        actor: "maintainer",
        title: `signs and pushes ${CYCLE_TAGS.window} as proposed`,
        async run(replay, context) {
          await replay.maintainer.tag({
            name: CYCLE_TAGS.window,
            target: "stable-6.9",
            at: parseGitTime("2024-03-11T15:00:00Z"),
            message: "selinux/stable-6.9 PR 20240311",
          });
          await replay.maintainer.pushTags([CYCLE_TAGS.window]);
          await replay.settle(context.deliver);
        },
      },
    );
  }
  steps.push(
    {
      id: "merge-window-pr",
      at: "2024-03-13T20:00:00Z",
      actor: "linus",
      title: `merges ${CYCLE_TAGS.window} into master`,
      async run(replay) {
        await replay.upstream.merge({
          fromUrl: replay.forge.gitUrl(OWNER, REPO),
          tag: CYCLE_TAGS.window,
          at: parseGitTime("2024-03-13T20:00:00Z"),
          publicUrl: PUBLIC_URL,
          summary: "selinux updates from Paul Moore.",
        });
      },
    },
    tickStep("notice-merge", "2024-03-13T20:17:00Z", "upstream poll and hourly check", true),
    tickStep("after", "2024-03-14T10:17:00Z", "hourly check"),
  );
  return steps;
}

/** Runs `steps` in order: the clock is set to each step's instant, then the step acts. */
export async function runSteps(
  replay: Replay,
  steps: readonly CycleStep[],
  context: CycleContext,
  hooks: { before?: (step: CycleStep) => void | Promise<void>; after?: (step: CycleStep) => void | Promise<void> } = {},
): Promise<void> {
  for (const step of steps) {
    replay.at(step.at);
    await hooks.before?.(step);
    await step.run(replay, context);
    await hooks.after?.(step);
  }
}
