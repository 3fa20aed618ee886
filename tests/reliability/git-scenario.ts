// The git world the history-rewriting scenarios (17-25) share: next on v6.8-rc1 with two patches, upstream at rc2.
import { renderSourceFile } from "../fixtures/kernel-repo.ts";
import { createWorld, editLine, git, type World } from "../adapters/git/git-world.ts";

export const NOW = new Date("2024-01-29T10:00:00Z");
export const POLICYDB = "security/selinux/ss/policydb.c";
export const UPSTREAM_H = "security/selinux/include/upstream.h";

/** next on v6.8-rc1 with two independent patches, pushed to the origin; upstream rc2 touched upstream.h. */
export function buildNextWorld(): World {
  const world = createWorld({ filler: 6, subsystemTouchEvery: 7 });
  world.commit("selinux: tidy policydb", { [POLICYDB]: editLine(renderSourceFile(POLICYDB), 5, "int tidy;") });
  world.commit("selinux: add avc counter", {
    "security/selinux/avc.c": editLine(renderSourceFile("security/selinux/avc.c"), 6, "int counter;"),
  });
  world.push("next");
  return world;
}

/** `refname sha` of every backup ref in the origin. */
export function backupRefs(world: World): string {
  return git(world.origin, ["for-each-ref", "--format=%(refname) %(objectname)", "refs/merge-window/"]);
}

/** The argv of every push the layer spawned. */
export function pushesOf(world: World): string[][] {
  return world.spawns.filter((argv) => argv.includes("push"));
}

/** Patch ids of `range` in `dir` (what "the same patch" means after a rebase). */
export function patchIds(dir: string, range: string): string[] {
  const log = git(dir, ["log", "-p", "--format=commit %H", range]);
  return git(dir, ["patch-id", "--stable"], { input: log })
    .split("\n")
    .filter(Boolean)
    .map((line) => line.split(" ")[0]!)
    .sort();
}
