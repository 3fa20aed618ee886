// The global cap on concurrent git processes, counted where it matters: live git processes in /proc. Many
// runners on many repositories (and the CLI's ls-remote) start far more git commands than the cap at once
// against a server that never answers; never more than the cap run, and the cap is reached.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { createServer, type AddressInfo, type Server, type Socket } from "node:net";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import { configureGitLimits, GIT_LIMITS, readGitLimits } from "../../../src/adapters/git/limits.ts";
import { lsRemote } from "../../../src/adapters/git/ls-remote.ts";
import { buildGitEnv, createGitRunner } from "../../../src/adapters/git/runner.ts";

/** Live git processes (not node) whose command line names `needle`. */
function countGit(needle: string): number {
  let count = 0;
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const argv = readFileSync(`/proc/${entry}/cmdline`, "utf8").split("\0");
      if (/(^|\/)git$/.test(argv[0] ?? "") && argv.some((arg) => arg.includes(needle))) count++;
    } catch {
      // gone meanwhile
    }
  }
  return count;
}

describe("the cap on concurrent git processes", () => {
  let root: string;
  let server: Server;
  let url: string;
  const sockets: Socket[] = [];
  const saved = { ...GIT_LIMITS };

  before(async () => {
    root = mkdtempSync(join(tmpdir(), "mw-git-cap-"));
    server = createServer((socket) => {
      sockets.push(socket);
      socket.on("error", () => {});
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    url = `git://127.0.0.1:${(server.address() as AddressInfo).port}/cap-${process.pid}.git`;
  });
  after(async () => {
    configureGitLimits(saved);
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    rmSync(root, { recursive: true, force: true });
  });

  it("is sized to the machine by default: twice the CPUs, at least 2", () => {
    assert.equal(saved.maxProcesses, Math.max(2, 2 * availableParallelism()));
  });

  it("never lets more than MERGE_WINDOW_GIT_PROCESSES git processes run at once, across repositories", async () => {
    configureGitLimits(readGitLimits({ MERGE_WINDOW_GIT_PROCESSES: "3" }));
    const runners = Array.from({ length: 4 }, (_, i) => {
      const dir = join(root, `repo-${i}`);
      execFileSync("git", ["init", "-q", "--bare", dir], { env: buildGitEnv() });
      return createGitRunner(dir, { timeouts: { networkMs: 1_000 } });
    });
    const commands = [
      ...runners.flatMap((git) =>
        [1, 2].map(() => git.tryRun(["ls-remote", "--end-of-options", url]).catch(() => "timed out")),
      ),
      lsRemote(root, url, { timeoutMs: 1_000 }),
      lsRemote(root, url, { timeoutMs: 1_000 }),
    ];
    let settled = false;
    const all = Promise.all(commands).finally(() => (settled = true));
    let most = 0;
    while (!settled) {
      most = Math.max(most, countGit(url));
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    await all;
    assert.equal(commands.length, 10);
    assert.ok(most <= 3, `at most 3 git processes at once, saw ${most}`);
    assert.equal(most, 3, "the cap was reached: the commands did run side by side up to it");
    assert.equal(countGit(url), 0, "none left behind");
  });
});
