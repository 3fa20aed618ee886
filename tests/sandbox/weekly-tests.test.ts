// Weekly tests on the sandbox forge with the real app: the workflow file lives only on the default branch (kernel
// branches have no .github/), runs there with inputs naming the branch and commit, and its results reach the issue.
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { readExampleTestsWorkflow } from "../../src/sandbox/scenario-config.ts";
import { createReplay, OWNER, REPO } from "../../src/sandbox/replay.ts";
import { findTrackingIssue } from "../../src/sandbox/replay-state.ts";

const WORKFLOW = ".github/workflows/merge-window-tests.yml";
const SNAPSHOT = join(import.meta.dirname, "snapshots", "tracking-issue.md");

/** The committed body (UPDATE_SNAPSHOTS=1 rewrites it): what a maintainer sees, Mermaid timeline included. */
function assertSnapshot(body: string): void {
  if (process.env.UPDATE_SNAPSHOTS === "1" || !existsSync(SNAPSHOT)) {
    mkdirSync(dirname(SNAPSHOT), { recursive: true });
    writeFileSync(SNAPSHOT, body);
  }
  assert.equal(body, readFileSync(SNAPSHOT, "utf8"), "tracking issue body differs from tests/sandbox/snapshots");
}

test("weekly tests: dispatched on main for next and stable-6.8 by SHA; results return to the checklist", async (t) => {
  const replay = await createReplay({ variant: "rebase-at-window-open", testsWorkflow: true });
  t.after(() => replay.close());
  const refs = await replay.forge.refs(OWNER, REPO);
  const sha = (ref: string) => refs.get(ref)!.sha;
  const fileOn = async (ref: string) =>
    replay.reader.rest.repos.getContent({ owner: OWNER, repo: REPO, path: WORKFLOW, ref }).then(
      () => true,
      (error: Error & { status?: number }) => {
        if (error.status === 404) return false;
        throw error;
      },
    );
  assert.deepEqual(
    [await fileOn("main"), await fileOn("next"), await fileOn("stable-6.8")],
    [true, false, false],
    "the workflow exists on the default branch only",
  );

  replay.at("2024-01-22T10:00:00Z"); // a Monday, the configured weekday
  await replay.tick();
  const runs = replay.forge.workflowRuns(OWNER, REPO);
  assert.deepEqual(
    runs.map((run) => [run.path, run.headBranch, run.headSha, run.inputs]),
    [
      [WORKFLOW, "main", sha("refs/heads/main"), { ref: "next", sha: sha("refs/heads/next") }],
      [WORKFLOW, "main", sha("refs/heads/main"), { ref: "stable-6.8", sha: sha("refs/heads/stable-6.8") }],
    ],
  );

  await replay.forge.completeWorkflowRun(OWNER, REPO, runs[0]!.id, "success");
  await replay.forge.completeWorkflowRun(OWNER, REPO, runs[1]!.id, "failure");
  await replay.settle();
  const body = findTrackingIssue(replay.forge, OWNER, REPO)?.body ?? "";
  const section = body.slice(body.indexOf("### Weekly tests"));
  assert.match(section, new RegExp(`\`next\` @ ${sha("refs/heads/next").slice(0, 12)}: success`));
  assert.match(section, new RegExp(`\`stable-6\\.8\` @ ${sha("refs/heads/stable-6.8").slice(0, 12)}: failure`));

  // The forge's port changes per run: shown as github.com, as the maintainer would see it.
  const shown = body
    .replaceAll(replay.forge.baseUrl, "https://github.com")
    .replace(/meta v1 [A-Za-z0-9+/=]+/, "meta v1 …");
  assert.match(shown, /```mermaid\ngantt\n/);
  assertSnapshot(shown);

  await replay.tick();
  assert.equal(replay.forge.workflowRuns(OWNER, REPO).length, 2, "once per week");
});

test("the example workflow checks out the dispatched commit and names the run after it", () => {
  const text = readExampleTestsWorkflow();
  assert.match(text, /^run-name: "merge-window tests: \$\{\{ inputs\.ref \}\} @ \$\{\{ inputs\.sha \}\}"$/m);
  assert.match(text, /ref: \$\{\{ inputs\.sha \}\}/);
  assert.match(text, /^ {2}workflow_dispatch:$/m);
});
