// Times the 200k-commit upstream fixture (the history status/advice benches run against) and a subsystem clone of it.
// Run: node --import tsx bench/build-upstream.bench.ts [commits] [fillerTouchEvery]
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildLargeUpstream, buildSubsystem } from "../tests/fixtures/kernel-repo.ts";

const commits = Number(process.argv[2] ?? 200_000);
const fillerTouchEvery = Number(process.argv[3] ?? 1);
const dir = mkdtempSync(join(tmpdir(), "mw-bench-upstream-"));
try {
  let started = performance.now();
  const upstream = buildLargeUpstream(join(dir, "linux.git"), { commits, fillerTouchEvery });
  const upstreamMs = performance.now() - started;
  started = performance.now();
  const subsystem = buildSubsystem(join(dir, "selinux"), {
    upstream,
    steps: [
      { kind: "branch", name: "next", from: "v6.8-rc1" },
      {
        kind: "patches",
        branch: "next",
        patches: Array.from({ length: 50 }, (_, i) => ({ subject: `selinux: bench patch ${i + 1}` })),
      },
      { kind: "branch", name: "stable-6.9", from: "next" },
      { kind: "tag", name: "selinux-pr-20240312", at: "stable-6.9", message: "selinux/stable-6.9 PR 20240312" },
    ],
  });
  const subsystemMs = performance.now() - started;
  console.log(
    `upstream: ${upstream.commitCount} commits, ${upstream.tags.size} tags ` +
      `in ${(upstreamMs / 1000).toFixed(1)} s (fillerTouchEvery=${fillerTouchEvery})`,
  );
  console.log(
    `subsystem clone + 50 patches + tag: ${subsystem.branches.size} branches in ${(subsystemMs / 1000).toFixed(1)} s`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
