// Finds the clone the CLI works on (--repo, else the current directory) in one git process; light to import (its
// runner spawns git directly, no simple-git), so that request-pull starts git before anything else is loaded.
import { existsSync, statSync } from "node:fs";
import { resolve } from "node:path";
import type { GitRunner } from "../adapters/git/runner.ts";
import { createSpawnRunner } from "../adapters/git/spawn-runner.ts";
import { InputError } from "../domain/errors.ts";
import { buildGitHooks, type CliIo } from "./io.ts";

/** A located clone: `dir` as given (absolute), its git directory, its work tree (null when bare). */
export interface RepoLocation {
  readonly dir: string;
  readonly gitDir: string;
  /** Where the objects and shared refs live (the main repository's git directory for a linked worktree). */
  readonly commonDir: string;
  readonly workTree: string | null;
}

/** Checks --repo and asks git where the repository is (one process). */
export async function locateRepo(
  repoOption: string | undefined,
  io: CliIo,
): Promise<{ repo: RepoLocation; runner: GitRunner }> {
  const dir = resolve(io.cwd, repoOption ?? ".");
  if (!existsSync(dir)) throw new InputError("missing-repo", `--repo ${dir}: no such directory`);
  if (!statSync(dir).isDirectory()) throw new InputError("missing-repo", `--repo ${dir}: not a directory`);
  const runner = createSpawnRunner(dir, buildGitHooks(io));
  const output = await runner.tryRun([
    "rev-parse",
    "--is-bare-repository",
    "--absolute-git-dir",
    "--git-common-dir",
    "--show-cdup",
  ]);
  if (output === null) throw new InputError("not-a-repo", `--repo ${dir}: not a git repository`);
  const [bare = "", gitDir = "", common = "", cdup = ""] = output.split("\n");
  const commonDir = resolve(dir, common);
  return { repo: { dir, gitDir, commonDir, workTree: bare === "true" ? null : resolve(dir, cdup) }, runner };
}
