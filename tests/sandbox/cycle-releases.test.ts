// The cycle's upstream dates: the table embedded for clean clones is the shared CSV's, and yields the real instants.
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { buildReleaseTags, EMBEDDED_RELEASES, KERNEL_RELEASES_CSV, loadKernelReleases, readKernelReleases } from "../../src/sandbox/scenario-releases.ts";

test("the embedded release rows are the CSV's rows for v6.7 … v6.9", (t) => {
  if (!existsSync(KERNEL_RELEASES_CSV)) {
    t.skip(`${KERNEL_RELEASES_CSV} is not here (a clean clone): nothing to compare with`);
    return;
  }
  const csv = readKernelReleases().filter((row) => EMBEDDED_RELEASES.some((embedded) => embedded.version === row.version));
  assert.deepEqual(csv, EMBEDDED_RELEASES);
  assert.equal(loadKernelReleases().source, "csv");
});

test("without the CSV the replay falls back to the embedded rows, with v6.8-rc1 at its real instant and weekly rcs", () => {
  const loaded = loadKernelReleases("/nonexistent/kernel-releases.csv");
  assert.equal(loaded.source, "embedded");
  const tags = buildReleaseTags(loaded.rows, { from: "v6.7", to: "v6.8" });
  assert.deepEqual(tags.map((tag) => tag.tag), ["v6.7", "v6.8-rc1", "v6.8-rc2", "v6.8-rc3", "v6.8-rc4", "v6.8-rc5", "v6.8-rc6", "v6.8-rc7", "v6.8"]);
  assert.deepEqual([tags[1]!.date, tags[2]!.date, tags[8]!.date], ["2024-01-21 14:11:32 -0800", "2024-01-28 14:11:32 -0800", "2024-03-10 15:00:00 -0700"]);
});
