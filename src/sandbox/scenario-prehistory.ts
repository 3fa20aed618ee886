// What happened in the subsystem tree and upstream before merge-window was installed (the replay's starting point).
import type { ManualClock } from "../adapters/clock.ts";
import { usesDevBranches, type VariantId } from "../domain/process.ts";
import { buildDefaultBranchFiles, buildScenarioConfig, type ScenarioSigning } from "./scenario-config.ts";
import type { Maintainer } from "./scenario-maintainer.ts";
import { CHRISTIAN, MICKAEL, ONDREJ, PAUL, STEPHEN } from "./scenario-people.ts";
import type { ReleaseTag } from "./scenario-releases.ts";
import { parseGitTime } from "./scenario-time.ts";
import type { Upstream } from "./scenario-upstream.ts";

/** How Linus names the repository he pulls from (the merge commits' subject). */
export const PUBLIC_URL = "git://git.kernel.org/pub/scm/linux/kernel/git/pcmoore/selinux.git";

export interface PrehistoryInput {
  readonly variant: VariantId;
  readonly upstream: Upstream;
  readonly maintainer: Maintainer;
  readonly clock: ManualClock;
  readonly releases: { readonly v67: ReleaseTag; readonly rc1: ReleaseTag };
  readonly signing: ScenarioSigning;
  readonly forgeUrl: string;
  readonly testsWorkflow?: boolean;
}

/**
 * What happened before merge-window was installed: v6.7 released; stable-6.8 (three patches on v6.7) tagged
 * `selinux-pr-20240108`, sent and merged by Linus in the v6.8 window; next carrying two early patches for the v6.9
 * window; v6.8-rc1 tagged. In the dev model `dev` holds what was sent for v6.8 and stable-6.8 is reset to v6.8-rc1.
 */
export async function buildPrehistory(input: PrehistoryInput): Promise<void> {
  const { upstream, maintainer, clock } = input;
  const t = (text: string) => parseGitTime(text);
  const config = buildScenarioConfig(input.variant, upstream.url, input.signing, {
    testsWorkflow: input.testsWorkflow ?? false,
  });
  const main = await maintainer.repo.commit({
    parents: [],
    files: buildDefaultBranchFiles(config, input.signing),
    author: PAUL,
    at: t("2024-01-02 09:00:00 -0500"),
    message: "Add the merge-window configuration",
  });
  await maintainer.pushBranch("main", main);
  await upstream.release(input.releases.v67);
  await maintainer.sync();
  const v67 = (await maintainer.repo.resolve("refs/tags/v6.7"))!;
  await maintainer.commitPatches(
    "stable-6.8",
    [
      {
        subject: "selinux: avoid a deadlock in the sidtab conversion",
        author: ONDREJ,
        file: "security/selinux/ss/services.c",
      },
      { subject: "selinux: make the avc statistics per-cpu", author: STEPHEN, file: "security/selinux/avc.c" },
      {
        subject: "selinux: document the policy capability bits",
        author: PAUL,
        file: "security/selinux/include/security.h",
      },
    ],
    t("2024-01-03 10:00:00 -0500"),
    { from: v67 },
  );
  clock.set("2024-01-09T00:10:00Z");
  await maintainer.tag({
    name: "selinux-pr-20240108",
    target: "stable-6.8",
    at: t("2024-01-08 19:00:00 -0500"),
    message: "selinux/stable-6.8 PR 20240108",
  });
  await maintainer.pushTags(["selinux-pr-20240108"]);
  await upstream.merge({
    fromUrl: input.forgeUrl,
    tag: "selinux-pr-20240108",
    at: t("2024-01-10 11:00:00 -0800"),
    publicUrl: PUBLIC_URL,
    summary: "selinux updates from Paul Moore.",
  });
  if (usesDevBranches(input.variant)) {
    // dev held what was sent for v6.8; once -rc1 is out it is moved onto it (the dev model's "based on -rc1").
    await maintainer.pushBranch("dev", (await maintainer.repo.resolve("refs/remotes/origin/stable-6.8"))!);
  } else {
    await maintainer.commitPatches(
      "next",
      [
        { subject: "selinux: use the new mount API hooks", author: CHRISTIAN, file: "security/selinux/hooks.c" },
        {
          subject: "selinux: reduce the object class calculations at inode init time",
          author: MICKAEL,
          file: "security/selinux/ss/policydb.c",
        },
      ],
      t("2024-01-16 11:00:00 -0500"),
      { from: "refs/remotes/origin/stable-6.8" },
    );
  }
  await upstream.release(input.releases.rc1);
  if (usesDevBranches(input.variant)) {
    // stable-6.8 is reset to v6.8-rc1 when the window closes; it then takes the -rc fixes.
    await maintainer.sync();
    await maintainer.pushBranch("stable-6.8", (await maintainer.repo.resolve("refs/tags/v6.8-rc1"))!);
  }
}
