// The replay's upstream dates: v6.8-rc1 and the releases at their real instants, the other rcs weekly.
import { test } from "node:test";
import assert from "node:assert/strict";
import { buildReleaseTags, readKernelReleases } from "../../src/sandbox/scenario-releases.ts";

test("v6.7 … v6.8 as the replay tags them: rc1 at its real instant, rcs weekly, the release on its day", () => {
  const tags = buildReleaseTags(readKernelReleases(), { from: "v6.7", to: "v6.8" });
  assert.deepEqual(
    tags.map((tag) => tag.tag),
    ["v6.7", "v6.8-rc1", "v6.8-rc2", "v6.8-rc3", "v6.8-rc4", "v6.8-rc5", "v6.8-rc6", "v6.8-rc7", "v6.8"],
  );
  assert.deepEqual(
    [tags[1]!.date, tags[2]!.date, tags[8]!.date],
    ["2024-01-21 14:11:32 -0800", "2024-01-28 14:11:32 -0800", "2024-03-10 15:00:00 -0700"],
  );
});
