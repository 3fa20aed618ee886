// Scenario 24: the server refuses the update of next (a pre-receive hook standing in for a ruleset): the push fails
// as a whole, next is unchanged, the backup stays, and the refusal carries the server's reason.
import { test } from "node:test";
import assert from "node:assert/strict";
import { chmodSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { backupRefs, buildNextWorld, NOW } from "./git-scenario.ts";

test("s24: a server-side rule refusing next: refused with its message, next unchanged, backup kept", async (t) => {
  const world = buildNextWorld();
  t.after(() => world.cleanup());
  const hook = join(world.origin, "hooks", "pre-receive");
  writeFileSync(
    hook,
    '#!/bin/sh\nwhile read old new ref; do\n  [ "$ref" = refs/heads/next ] && { echo "GH013: force push to ' +
      'next blocked by ruleset"; exit 1; }\ndone\nexit 0\n',
  );
  chmodSync(hook, 0o755);
  const layer = world.layer();
  const read = (await layer.observe()).next!.sha;
  const result = await layer.rebaseNext({ onto: "v6.8-rc2", expectedSha: read, now: NOW });
  assert.equal(result.status, "refused", JSON.stringify(result));
  assert.equal(world.sha("refs/heads/next"), read, "next is unchanged");
  assert.match(backupRefs(world), new RegExp(`^refs/merge-window/backup/next-\\S+ ${read}$`), "the backup stays");
  assert.match(result.status === "refused" ? result.message : "", /GH013|ruleset|rejected|declined/);
});
