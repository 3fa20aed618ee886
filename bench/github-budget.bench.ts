// The GitHub budget: the app's requests per route over the demo's whole cycle (variant A, the real app against the
// sandbox forge, which answers ETags and 304 as GitHub does), against 100 REST requests per repository per cycle.
// `node --import tsx bench/github-budget.bench.ts [--checkout DIR]`: DIR is another checkout (main, to compare).
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import type * as ReplayModule from "../src/sandbox/replay.ts";
import type * as CycleModule from "../src/sandbox/scenario-cycle.ts";

const BUDGET = 100;

interface Entry {
  readonly method: string;
  readonly route: string | null;
  readonly path: string;
  readonly status: number;
}

function parseArgs(argv: readonly string[]): { checkout: string } {
  const at = argv.indexOf("--checkout");
  const checkout = at >= 0 ? argv[at + 1] : undefined;
  if (at >= 0 && !checkout) throw new Error("usage: github-budget.bench.ts [--checkout DIR]");
  return { checkout: resolve(checkout ?? new URL("..", import.meta.url).pathname) };
}

async function main(): Promise<void> {
  const { checkout } = parseArgs(process.argv.slice(2));
  // The same modules from the checkout measured (their interface is the same on main).
  const load = (file: string): Promise<unknown> => import(pathToFileURL(resolve(checkout, file)).href);
  const { createReplay } = (await load("src/sandbox/replay.ts")) as typeof ReplayModule;
  const { buildCycleSteps, runSteps } = (await load("src/sandbox/scenario-cycle.ts")) as typeof CycleModule;
  const variant = "rebase-at-window-open";
  const started = performance.now();
  const replay = await createReplay({ variant, signing: "ssh", interceptAppPushes: true });
  let entries: Entry[];
  try {
    await runSteps(replay, buildCycleSteps(variant, replay.releases, { raceRebase: true }), { deliver: {} });
    entries = replay.appRequests();
  } finally {
    await replay.close();
  }
  const rest = entries.filter((entry) => !entry.route?.includes(".git/"));
  const counts = new Map<string, { all: number; notModified: number }>();
  for (const entry of entries) {
    const key = `${entry.method.padEnd(6)} ${entry.route ?? entry.path}`;
    const count = counts.get(key) ?? { all: 0, notModified: 0 };
    count.all++;
    if (entry.status === 304) count.notModified++;
    counts.set(key, count);
  }
  const lines = [...counts]
    .sort((a, b) => b[1].all - a[1].all || (a[0] < b[0] ? -1 : 1))
    .map(([key, n]) => `${String(n.all).padStart(6)}  ${key}${n.notModified ? `  (${n.notModified} × 304)` : ""}`);
  const notModified = rest.filter((entry) => entry.status === 304).length;
  process.stdout.write(
    [
      `GitHub budget, whole cycle of the demo (variant A, one repository), checkout ${checkout}`,
      `  REST requests: ${rest.length} (budget ${BUDGET} per repository per cycle: ` +
        `${rest.length <= BUDGET ? "within" : "OVER"}); ${notModified} of them answered 304 (no rate limit)`,
      `  git requests: ${entries.length - rest.length}`,
      `  replay time: ${((performance.now() - started) / 1000).toFixed(0)} s`,
      "  requests per route:",
      ...lines.map((line) => `  ${line}`),
      "",
    ].join("\n"),
  );
}

await main();
