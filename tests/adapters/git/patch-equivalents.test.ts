// findPatchEquivalents against git's own --cherry-mark over every commit: the same answer from a walk limited to
// the right side's files, and git's full comparison where the limited one could differ (a treewide series).
import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { findPatchEquivalents, readTouchedFiles } from "../../../src/adapters/git/patch-equivalents.ts";
import { createGitRunner } from "../../../src/adapters/git/runner.ts";
import { git } from "./git-world.ts";

const root = mkdtempSync(join(tmpdir(), "mw-patch-equivalents-"));
after(() => rmSync(root, { recursive: true, force: true }));

/** Writes `files` into the work tree of `dir` and commits them. */
function commit(dir: string, message: string, files: Record<string, string>): string {
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
  git(dir, ["add", "-A"]);
  git(dir, ["commit", "-q", "-m", message]);
  return git(dir, ["rev-parse", "HEAD"]);
}

/** What git itself marks on the right side of left...right, comparing every commit. */
function gitMarks(dir: string, left: string, right: string): string[] {
  const out = git(dir, ["log", "--no-merges", "--cherry-mark", "--right-only", "--format=%m%H", `${left}...${right}`]);
  return out
    .split("\n")
    .filter((line) => line.startsWith("="))
    .map((line) => line.slice(1))
    .sort();
}

describe("findPatchEquivalents", () => {
  it("a treewide series (too many files for one command line, no common directory): git compares all", async () => {
    const dir = join(root, "treewide");
    mkdirSync(dir);
    git(dir, ["init", "-q", "-b", "main"]);
    const base = commit(dir, "base", { README: "base\n" });
    // 5,001 files in two top-level directories: no single directory holds them all.
    const files = Object.fromEntries(
      Array.from({ length: 5_001 }, (_, i) => [`${i % 2 ? "drivers" : "fs"}/f${i}.c`, `int f${i};\n`]),
    );
    const series = commit(dir, "treewide: add files", files);
    git(dir, ["checkout", "-q", "-b", "upstream", base]);
    commit(dir, "the same, upstream", files);
    const upstream = git(dir, ["rev-parse", "HEAD"]);
    const spawns: string[][] = [];
    const runner = createGitRunner(dir, { onSpawn: (argv) => void spawns.push([...argv]) });
    const touched = await readTouchedFiles(runner, [`${upstream}..${series}`]);
    assert.equal(touched.get(series)?.length, 5_001);
    const marked = await findPatchEquivalents(runner, upstream, series, touched);
    assert.deepEqual([...marked], [series]);
    assert.deepEqual([...marked].sort(), gitMarks(dir, upstream, series));
    const walks = spawns.filter((argv) => argv.includes("--cherry-mark"));
    assert.equal(walks.length, 1);
    assert.ok(walks[0]!.includes("--right-only") && walks[0]!.at(-1) === "--", "no file on the command line");
  });
});
