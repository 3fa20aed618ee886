// The reconcile loop at rest: right after a tick has done what the cycle asked, a second tick at the same moment
// against the same git and GitHub state reads, and writes nothing (no comment, no PATCH, no check run, no dispatch).
import { test } from "node:test";
import assert from "node:assert/strict";
import type { WriteRoute } from "./api-world.ts";
import { openAppWorld, type AppWorldOptions } from "./app-world.ts";

const MOMENTS: readonly (Pick<AppWorldOptions, "stage" | "now" | "upstreamTags"> & { first: readonly WriteRoute[] })[] =
  [
    {
      stage: "development",
      now: "2024-03-11T10:00:00Z",
      upstreamTags: ["v6.8-rc7", "v6.8"],
      first: ["POST /repos/{owner}/{repo}/issues", "POST /repos/{owner}/{repo}/issues/{issue_number}/comments"],
    },
    {
      stage: "window",
      now: "2024-03-13T00:30:00Z",
      first: [
        "POST /repos/{owner}/{repo}/issues",
        "POST /repos/{owner}/{repo}/check-runs",
        "POST /repos/{owner}/{repo}/issues/{issue_number}/comments",
      ],
    },
    {
      stage: "fixes",
      now: "2024-04-01T10:00:00Z",
      first: [
        "POST /repos/{owner}/{repo}/issues",
        "POST /repos/{owner}/{repo}/check-runs",
        "POST /repos/{owner}/{repo}/issues/{issue_number}/comments",
      ],
    },
  ];

for (const moment of MOMENTS) {
  test(`${moment.stage} at ${moment.now}: a second reconcile right after the first writes nothing`, async (t) => {
    const world = await openAppWorld(moment);
    t.after(() => world.close());
    await world.settle();
    const firstWrites = new Set<string>(world.api.writes().map((request) => request.route));
    for (const route of moment.first) assert.ok(firstWrites.has(route), `the first tick did real work: ${route}`);

    const from = world.api.requests.length;
    world.api.expectWrites();
    await world.runtime.runJob("reconcile");
    await world.runtime.idle();

    world.assertDone();
    const nonGet = world.api.requests.slice(from).filter((request) => request.method !== "GET");
    assert.deepEqual(
      nonGet.map((request) => `${request.method} ${request.path}`),
      [],
      "not even a token request",
    );
    assert.ok(world.api.requests.length > from, "the second tick did run (it read the config and the issue)");
  });
}
