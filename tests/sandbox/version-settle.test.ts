// Through the real app and the sandbox forge: v6.19 is out, so the window is for 6.20 or 7.0, until the maintainer
// pushes stable-7.0 himself; that push settles 7.0 exactly as `/merge-window version 7.0` would.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createReplay, OWNER, REPO } from "../../src/sandbox/replay.ts";
import { findTrackingIssue } from "../../src/sandbox/replay-state.ts";
import { buildReleaseTags, readKernelReleases } from "../../src/sandbox/scenario-releases.ts";
import { parseGitTime } from "../../src/sandbox/scenario-time.ts";

test("a push creating stable-7.0 while the version is '6.20 or 7.0' settles 7.0, no other branch", async (t) => {
  const replay = await createReplay({ variant: "rebase-at-window-open" });
  t.after(() => replay.close());
  // Upstream jumps to the v6.19 cycle (real instants): the release after 6.19 may be 6.20 or 7.0.
  for (const release of buildReleaseTags(readKernelReleases(), { from: "v6.19-rc1", to: "v6.19" })) {
    if (release.tag !== "v6.19-rc1" && release.tag !== "v6.19") continue;
    replay.at(new Date(parseGitTime(release.date).epoch * 1000));
    await replay.upstream.release(release);
  }
  replay.at("2026-02-09T10:00:00Z");
  await replay.poll();
  const before = findTrackingIssue(replay.forge, OWNER, REPO)!;
  assert.match(before.title, /v6\.20 \(or 7\.0\)/);
  assert.match(before.body ?? "", /^### Window for v6\.20 \(number not settled: `\/merge-window version X\.Y`\)$/m);

  await replay.maintainer.sync();
  const next = (await replay.maintainer.repo.resolve("refs/remotes/origin/next"))!;
  await replay.maintainer.pushBranch("stable-7.0", next);
  const delivered = await replay.settle();
  assert.ok(
    delivered.some((record) => record.event === "create" || record.event === "push"),
    "the push reached the app as a webhook",
  );

  const after = findTrackingIssue(replay.forge, OWNER, REPO)!;
  assert.equal(after.number, before.number, "the same cycle's issue");
  assert.match(after.title, /^merge-window: v7\.0 \(selinux\)$/);
  assert.match(after.body ?? "", /^### Window for v7\.0 \(number set by the branch `stable-7\.0`\)$/m);
  assert.match(after.body ?? "", /^- ✅ \*\*Copy next to stable-7\.0\*\* \(done\)/m);
  const refs = [...(await replay.forge.refs(OWNER, REPO)).keys()].filter((ref) => ref.startsWith("refs/heads/stable-"));
  assert.deepEqual(refs.sort(), ["refs/heads/stable-6.8", "refs/heads/stable-7.0"], "no stable-6.20 by guess");
});
