// A pushed pull-request tag, end to end: the push webhook runs the app over real git, and the verdict lands as a
// check run on the tagged commit (success with the [GIT PULL] mail; failure naming each problem code).
import { test } from "node:test";
import assert from "node:assert/strict";
import { MERGE_WINDOW_TAG } from "../fixtures/kernel-repo.ts";
import type { ApiRequest } from "./api-world.ts";
import { addUnsignedTag, openAppWorld, type AppWorld } from "./app-world.ts";
import { buildPushPayload } from "./payload-world.ts";

const CHECK_RUNS = "POST /repos/{owner}/{repo}/check-runs";
const COMMENTS = "POST /repos/{owner}/{repo}/issues/{issue_number}/comments";
const ISSUE = "PATCH /repos/{owner}/{repo}/issues/{issue_number}";

/** The v6.9 window is open (v6.8 is out), stable-6.9 exists; the app has run its routine tick. */
async function openWindow(t: { after: (fn: () => void) => void }, unpushedTags: string[]): Promise<AppWorld> {
  const world = await openAppWorld({ stage: "window", now: "2024-03-13T00:30:00Z", unpushedTags });
  t.after(() => world.close());
  await world.settle();
  return world;
}

function only(requests: readonly ApiRequest[], route: string): ApiRequest {
  const found = requests.filter((request) => request.route === route);
  assert.equal(found.length, 1, `exactly one ${route}`);
  return found[0]!;
}

test("a valid signed tag gets a success check run on its commit and the [GIT PULL] mail in the issue", async (t) => {
  const world = await openWindow(t, [MERGE_WINDOW_TAG.name]);
  const stableTip = world.git(world.originDir, ["rev-parse", "--verify", "--end-of-options", "refs/heads/stable-6.9"]);
  const tagObject = world.pushTag(MERGE_WINDOW_TAG.name);
  const from = world.api.requests.length;
  world.api.expectWrites(CHECK_RUNS, COMMENTS, ISSUE);

  await world.deliver("push", buildPushPayload(world, `refs/tags/${MERGE_WINDOW_TAG.name}`, tagObject));

  world.assertDone();
  const writes = world.api.writes(from);
  const check = only(writes, CHECK_RUNS).body;
  assert.notEqual(tagObject, stableTip, "the push names the tag object; the check run belongs to the commit");
  assert.deepEqual(
    {
      name: check.name,
      head_sha: check.head_sha,
      status: check.status,
      conclusion: check.conclusion,
      title: check.output.title,
    },
    {
      name: `merge-window / tag ${MERGE_WINDOW_TAG.name}`,
      head_sha: stableTip,
      status: "completed",
      conclusion: "success",
      title: `${MERGE_WINDOW_TAG.name} is a valid pull-request tag`,
    },
  );
  const mail = only(writes, COMMENTS);
  assert.equal(mail.path, `/repos/${world.owner}/${world.repo}/issues/1/comments`);
  assert.match(mail.body.body, /^Subject: \[GIT PULL\] selinux\/selinux-pr-20240312$/m);
  assert.match(
    mail.body.body,
    new RegExp(
      /^ {2}https:\/\/git\.kernel\.org\/pub\/scm\/linux\/kernel\/git\/pcmoore\/selinux\.git\n/.source +
        / {4}tags\/selinux-pr-20240312$/.source,
      "m",
    ),
  );
  assert.match(mail.body.body, /<!-- merge-window:request-pull:selinux-pr-20240312 -->$/);
  assert.match(
    only(writes, ISSUE).body.body,
    /\[`selinux-pr-20240312`\]\(\.\.\/tree\/selinux-pr-20240312\) → [0-9a-f]{12} on stable-6\.9: valid \(/,
  );
});

test("unsigned and impossibly dated tags get failure check runs whose summary names each problem code", async (t) => {
  const world = await openWindow(t, []);
  const stableTip = world.git(world.originDir, ["rev-parse", "--verify", "--end-of-options", "refs/heads/stable-6.9"]);
  addUnsignedTag(world, {
    name: "selinux-pr-20240313",
    at: "stable-6.9",
    date: new Date("2024-03-13T00:10:00Z"),
    message: "selinux/stable-6.9 PR 20240313",
  });
  addUnsignedTag(world, {
    name: "selinux-pr-20240230",
    at: "stable-6.9",
    date: new Date("2024-03-13T00:20:00Z"),
    message: "selinux/stable-6.9 PR 20240230",
  });

  const verdicts: Record<string, unknown>[] = [];
  for (const name of ["selinux-pr-20240313", "selinux-pr-20240230"]) {
    const from = world.api.requests.length;
    world.api.expectWrites(CHECK_RUNS, ISSUE);
    await world.deliver("push", buildPushPayload(world, `refs/tags/${name}`, world.pushTag(name)));
    world.assertDone();
    const check = only(world.api.writes(from), CHECK_RUNS).body;
    assert.equal(check.head_sha, stableTip);
    verdicts.push({
      name: check.name,
      conclusion: check.conclusion,
      title: check.output.title,
      summary: check.output.summary.split("\n"),
    });
  }
  const [unsigned, impossible] = verdicts as { summary: string[] }[];
  assert.deepEqual(
    verdicts.map(({ summary, ...rest }) => rest),
    [
      {
        name: "merge-window / tag selinux-pr-20240313",
        conclusion: "failure",
        title: "selinux-pr-20240313: 1 problem(s)",
      },
      {
        name: "merge-window / tag selinux-pr-20240230",
        conclusion: "failure",
        title: "selinux-pr-20240230: 2 problem(s)",
      },
    ],
  );
  // Each problem once, as `- code: message`, under one lead sentence.
  const codes = (summary: string[]) =>
    summary.filter((line) => line.startsWith("- ")).map((line) => line.slice(2, line.indexOf(":")));
  assert.deepEqual(
    [codes(unsigned!.summary), codes(impossible!.summary)],
    [["unsigned"], ["impossible-date", "unsigned"]],
  );
  assert.equal(
    unsigned!.summary[0],
    "`selinux-pr-20240313` cannot be sent as a pull-request tag until these are fixed:",
  );
  assert.match(impossible!.summary.join("\n"), /- impossible-date: .*20240230/);
});
