// The GitHub budget over the demo's whole cycle (variant A, the real app against the forge, which answers ETags
// and 304 as GitHub does): REST requests per repository and route, at most 100 for the cycle; and an idle
// reconcile tick in the middle of the cycle makes at most one conditional read, no write and no git fetch.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { observeGit } from "../../src/adapters/git/runner.ts";
import type { RequestLogEntry } from "../../src/sandbox/forge/index.ts";
import { createReplay, OWNER, REPO, type Replay } from "../../src/sandbox/replay.ts";
import { buildCycleSteps, runSteps } from "../../src/sandbox/scenario-cycle.ts";

const VARIANT = "rebase-at-window-open";
const BUDGET = 100;
/** A quiet week of the cycle: nothing changed since the ticks that follow the upstream tag's runs. */
const IDLE_AFTER = "v6.8-rc5";

const isRest = (entry: RequestLogEntry) => !entry.route?.includes(".git/");
/** The repository a request is about; the app's own routes (installations, tokens) are shared by every one. */
const repositoryOf = (entry: RequestLogEntry) => /^\/repos\/([^/]+\/[^/]+)/.exec(entry.path)?.[1] ?? "(app)";

describe("the GitHub budget over a whole cycle", () => {
  let replay: Replay;
  let cycle: RequestLogEntry[] = [];
  const idle: { rest: RequestLogEntry[]; git: RequestLogEntry[]; processes: string[]; warm: RequestLogEntry[] } = {
    rest: [],
    git: [],
    processes: [],
    warm: [],
  };

  before(async () => {
    replay = await createReplay({ variant: VARIANT, signing: "ssh", interceptAppPushes: true });
    const excluded = new Set<RequestLogEntry>();
    await runSteps(
      replay,
      buildCycleSteps(VARIANT, replay.releases, { raceRebase: true }),
      { deliver: {} },
      {
        after: async (step) => {
          if (step.id !== IDLE_AFTER) return;
          // Two ticks bring the app to rest (the first may answer what the step's runs wrote); the third is idle.
          const from = replay.forge.requests.length;
          await replay.tick();
          await replay.tick();
          const third = replay.forge.requests.length;
          const processes: string[] = [];
          observeGit((command) => processes.push(command));
          await replay.tick();
          observeGit(null);
          const mine = (entries: readonly RequestLogEntry[]) =>
            entries.filter((entry) => entry.actor !== null && /^(app|.*\[bot\])$/.test(entry.actor));
          idle.warm = mine(replay.forge.requests.slice(from, third));
          const ticked = mine(replay.forge.requests.slice(third));
          idle.rest = ticked.filter(isRest);
          idle.git = ticked.filter((entry) => !isRest(entry));
          idle.processes = processes;
          for (const entry of replay.forge.requests.slice(from)) excluded.add(entry);
        },
      },
    );
    cycle = replay.appRequests().filter((entry) => !excluded.has(entry));
  });
  after(() => replay?.close());

  it(`makes at most ${BUDGET} REST requests per repository for the whole cycle`, () => {
    const rest = cycle.filter(isRest);
    const perRoute = new Map<string, number>();
    for (const entry of rest) {
      const key = `${repositoryOf(entry)} ${entry.method} ${entry.route}`;
      perRoute.set(key, (perRoute.get(key) ?? 0) + 1);
    }
    const table = [...perRoute].map(([key, n]) => `${String(n).padStart(4)} ${key}`).join("\n");
    const forRepo = rest.filter((entry) => repositoryOf(entry) === `${OWNER}/${REPO}`).length;
    // One repository is installed: the app's shared requests (installations, token, slug) count towards it too.
    const total = rest.length;
    assert.ok(forRepo > 20, `the cycle did run (${forRepo} requests about ${OWNER}/${REPO})`);
    assert.ok(total <= BUDGET, `${total} REST requests for one repository's cycle, budget ${BUDGET}:\n${table}`);
    // Each kind of read is bounded on its own: the config and the issue list are no longer read on every run.
    const count = (route: string) => rest.filter((entry) => `${entry.method} ${entry.route}` === route).length;
    assert.ok(count("GET /repos/{owner}/{repo}/contents/{path}") <= 12, table);
    assert.ok(count("GET /repos/{owner}/{repo}/issues") <= 3, table);
    assert.ok(count("GET /installation/repositories") <= 6, table);
  });

  it("an idle reconcile tick makes at most one conditional read per repository, no write and no git fetch", () => {
    assert.ok(idle.warm.length > 0, "the ticks before it did run");
    const described = idle.rest.map((entry) => `${entry.method} ${entry.path} ${entry.status}`);
    assert.ok(idle.rest.length <= 1, `REST requests of the idle tick: ${described.join(", ")}`);
    assert.deepEqual(
      idle.rest.filter((entry) => entry.method !== "GET"),
      [],
      "no write",
    );
    assert.ok(
      idle.rest.every((entry) => entry.conditional === true),
      `every read is conditional: ${described.join(", ")}`,
    );
    assert.deepEqual(
      idle.processes.filter((command) => command === "fetch"),
      [],
      "no git fetch",
    );
    assert.ok(idle.processes.includes("ls-remote"), "the tick did look at GitHub's refs (git, not REST)");
  });
});
