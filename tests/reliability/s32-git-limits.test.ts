// Scenario 32 (README: Reliability), the git part: every git process has a timeout that kills it (and the transport
// it started) with an error naming the command, and one cap bounds how many git processes run at once.
// A real TCP server that accepts git:// connections and never answers stands in for a hung upstream.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { createServer, type Server, type Socket } from "node:net";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { configureGitLimits, GIT_LIMITS, readGitLimits, readGitSlots } from "../../src/adapters/git/limits.ts";
import { buildGitEnv, createGitRunner, GitTimeoutError } from "../../src/adapters/git/runner.ts";

/** Pids of live processes whose command line contains `needle` (Linux /proc). */
function processesMentioning(needle: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, "utf8");
      if (cmdline.includes(needle) && !cmdline.includes("node")) pids.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return pids;
}

describe("s32: git processes are bounded in time and in number", () => {
  let dir: string;
  let server: Server;
  let url: string;
  const sockets: Socket[] = [];
  let connections = 0;
  const saved = { ...GIT_LIMITS };

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "mw-s32-"));
    execFileSync("git", ["init", "-q", dir], { env: buildGitEnv() });
    // Accepts, reads the request, never answers: git waits for the ref advertisement forever.
    server = createServer((socket) => {
      connections++;
      sockets.push(socket);
      socket.on("error", () => {});
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    url = `git://127.0.0.1:${(server.address() as AddressInfo).port}/linux.git`;
  });
  after(async () => {
    configureGitLimits(saved);
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    rmSync(dir, { recursive: true, force: true });
  });

  it("kills a fetch from an upstream that never answers, with an error naming it; leaves no git behind", async () => {
    const git = createGitRunner(dir, { timeouts: { networkMs: 1_500 } });
    await assert.rejects(
      git.run(["fetch", "--end-of-options", url, "refs/heads/master"]),
      (error: unknown) =>
        error instanceof GitTimeoutError && /git fetch in .* was killed after 2 s/.test(error.message),
    );
    // The killed process is reaped once its streams close; give the kernel a bounded moment.
    for (let i = 0; i < 100 && processesMentioning(url).length > 0; i++) await new Promise((r) => setTimeout(r, 50));
    assert.deepEqual(processesMentioning(url), [], "no git (nor its transport) outlives the timeout");
  });

  it("a timeout is not taken for a missing ref: tryRun reports it instead of answering null", async () => {
    const git = createGitRunner(dir, { timeouts: { networkMs: 1_000 } });
    await assert.rejects(git.tryRun(["ls-remote", "--end-of-options", url]), GitTimeoutError);
    assert.equal(await git.tryRun(["rev-parse", "--verify", "--quiet", "--end-of-options", "refs/heads/none"]), null);
  });

  it("runs at most the configured number of git processes at once; the others wait their turn", async () => {
    configureGitLimits({ maxProcesses: 2 });
    const before = connections;
    const git = createGitRunner(dir, { timeouts: { networkMs: 2_000 } });
    const fetches = Array.from({ length: 5 }, () =>
      git.run(["ls-remote", "--end-of-options", url]).then(
        () => "answered",
        (error: unknown) => (error instanceof GitTimeoutError ? "timed out" : String(error)),
      ),
    );
    for (let i = 0; i < 200 && connections - before < 2; i++) await new Promise((r) => setTimeout(r, 25));
    const slots = readGitSlots();
    assert.equal(slots.running, 2);
    assert.equal(slots.waiting, 3);
    assert.deepEqual(await Promise.all(fetches), Array(5).fill("timed out"));
    assert.equal(connections - before, 5, "each waiting one ran once a slot was free");
    assert.equal(readGitSlots().running, 0);
  });

  it("reads the limits from the environment and names a bad value", () => {
    assert.deepEqual(
      readGitLimits({
        MERGE_WINDOW_GIT_PROCESSES: "3",
        MERGE_WINDOW_GIT_NETWORK_TIMEOUT: "120",
        MERGE_WINDOW_GIT_LOCAL_TIMEOUT: "30",
      }),
      { maxProcesses: 3, networkTimeoutMs: 120_000, localTimeoutMs: 30_000 },
    );
    assert.throws(() => readGitLimits({ MERGE_WINDOW_GIT_PROCESSES: "-1" }), /MERGE_WINDOW_GIT_PROCESSES="-1"/);
    assert.throws(() => configureGitLimits({ maxProcesses: 0 }), /maxProcesses/);
  });
});
