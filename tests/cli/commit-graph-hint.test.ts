// The CLI's commit-graph hint: shown for a large history without a graph, never when a graph exists (and then
// without spawning git), never for a small history.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildGitEnv, createGitRunner } from "../../src/adapters/git/runner.ts";
import { findCommitGraphHint } from "../../src/cli/commit-graph-hint.ts";
import { buildUpstream } from "../fixtures/kernel-repo.ts";

describe("commit-graph hint", () => {
  let root: string;
  let dir: string;
  before(() => {
    root = mkdtempSync(join(tmpdir(), "mw-graph-hint-"));
    dir = buildUpstream(join(root, "linux.git"), {
      releases: [
        { tag: "v6.7", date: "2024-01-07 12:00:00 -0800" },
        { tag: "v6.8-rc1", date: "2024-01-21 14:11:32 -0800" },
      ],
      filler: 40,
    }).dir;
    execFileSync("git", ["repack", "-adq"], { cwd: dir, env: buildGitEnv() });
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  it("says how to write a graph when the history is large and none exists", async () => {
    const hint = await findCommitGraphHint(createGitRunner(dir), dir, dir, 50);
    assert.match(hint ?? "", /no commit-graph; `git -C .* commit-graph write --reachable --changed-paths`/);
    assert.equal(hint?.trimEnd().split("\n").length, 1, "one line");
  });

  it("says nothing for a small history", async () => {
    assert.equal(await findCommitGraphHint(createGitRunner(dir), dir, dir, 1_000_000), null);
  });

  it("says nothing, and runs no git, once a graph exists", async () => {
    execFileSync("git", ["commit-graph", "write", "--reachable", "--split"], { cwd: dir, env: buildGitEnv() });
    const spawned: string[][] = [];
    const runner = createGitRunner(dir, { onSpawn: (argv) => void spawned.push([...argv]) });
    assert.equal(await findCommitGraphHint(runner, dir, dir, 50), null);
    assert.equal(spawned.length, 0);
  });
});
