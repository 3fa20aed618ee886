// `npm run demo`: one whole kernel cycle replayed against the sandbox forge with the real app, narrated for a
// maintainer: a dated timeline of upstream tags, the app's actions, its comments in full and the checklist, then the
// final tracking issue as GitHub shows it (`--verbose` adds the webhooks and the app's requests by route). Offline.

import type { VariantId } from "../domain/process.ts";
import {
  renderChecklistLine,
  renderComment,
  renderDetail,
  renderDetailBlock,
  renderIssueBody,
  renderRequestTable,
  renderStepLine,
  summarizeDeliveries,
} from "./demo-render.ts";
import type { AppLogLine } from "./replay-app.ts";
import { createReplay, OWNER, PEOPLE, REPO, type Replay } from "./replay.ts";
import { findTrackingIssue, readChecklist } from "./replay-state.ts";
import { buildCycleSteps, runSteps, type CycleStep } from "./scenario-cycle.ts";

export interface DemoOptions {
  /** Arguments after `demo`: `--variant A|B|C`, `--keep`, `--verbose`. */
  readonly argv?: readonly string[];
  readonly stdout?: (text: string) => void;
  readonly stderr?: (text: string) => void;
}

const VARIANTS: Readonly<Record<string, VariantId>> = {
  A: "rebase-at-window-open",
  B: "rebase-at-rc1",
  C: "dev-model",
};
const USAGE = "usage: merge-window demo [--variant A|B|C] [--keep] [--verbose]\n";

export interface DemoArgs {
  readonly variant: VariantId;
  /** Keep the temporary repositories and print where. */
  readonly keep: boolean;
  /** Also the webhooks each step caused and the app's GitHub requests by route. */
  readonly verbose: boolean;
}

/** Parses the demo's arguments; a string is the usage error to print. */
export function parseDemoArgs(argv: readonly string[]): DemoArgs | string {
  let variant: VariantId = VARIANTS.A!;
  let keep = false;
  let verbose = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === "--keep") keep = true;
    else if (arg === "--verbose") verbose = true;
    else if (arg === "--variant" || arg.startsWith("--variant=")) {
      const value = arg.includes("=") ? arg.slice("--variant=".length) : argv[++i];
      const found =
        value === undefined
          ? undefined
          : (VARIANTS[value.toUpperCase()] ?? Object.values(VARIANTS).find((id) => id === value));
      if (!found) return `merge-window demo: --variant ${JSON.stringify(value ?? "")}: expected A, B or C\n${USAGE}`;
      variant = found;
    } else return `merge-window demo: unknown argument ${JSON.stringify(arg)}\n${USAGE}`;
  }
  return { variant, keep, verbose };
}

/** Runs the demo; resolves with the exit status (0 when the cycle ran through). */
export async function runDemo(options: DemoOptions = {}): Promise<number> {
  const out = options.stdout ?? ((text: string) => void process.stdout.write(text));
  const err = options.stderr ?? ((text: string) => void process.stderr.write(text));
  const parsed = parseDemoArgs(options.argv ?? []);
  if (typeof parsed === "string") {
    err(parsed);
    return 2;
  }
  const started = Date.now();
  const logs: AppLogLine[] = [];
  let replay: Replay | undefined;
  try {
    replay = await createReplay({
      variant: parsed.variant,
      signing: "ssh",
      interceptAppPushes: parsed.variant === VARIANTS.A,
      keep: parsed.keep,
      onLog: (line) => logs.push(line),
    });
    printIntro(replay, out);
    await narrateCycle(replay, logs, out, parsed.verbose);
    printOutcome(replay, out, parsed.verbose);
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    const kept = parsed.keep ? ` Everything is kept in ${replay.root}.` : "";
    out(`\nThe whole cycle took ${seconds} s of real time.${kept}\n`);
    const failures = logs.filter(
      (line) => line.level === "error" || line.level === "fatal" || / failed/.test(line.message),
    );
    for (const line of failures) err(`app ${line.level}: ${line.message}\n`);
    return failures.length === 0 ? 0 : 1;
  } catch (error) {
    err(`merge-window demo: failed: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  } finally {
    await replay?.close();
  }
}

function printIntro(replay: Replay, out: (text: string) => void): void {
  const people = Object.values(PEOPLE)
    .map((person) => `${person.login} (${person.role})`)
    .join(", ");
  out(
    [
      `merge-window demo: one whole kernel cycle, v6.8-rc1 → v6.8 → the v6.9 merge window → merged, offline.`,
      `  GitHub:    a stand-in for GitHub on this machine (same API, git and webhooks), its clock following the story`,
      `  upstream:  a copy of Linus' tree whose tags come at their real dates (the kernel release history)`,
      `  tree:      ${OWNER}/${REPO}, process \`${replay.variant}\`; people: ${people}`,
      `  app:       the real merge-window app; its hourly jobs run at the times shown`,
      "",
    ].join("\n") + "\n",
  );
}

async function narrateCycle(
  replay: Replay,
  logs: AppLogLine[],
  out: (text: string) => void,
  verbose: boolean,
): Promise<void> {
  const seen = { logs: 0, deliveries: 0, comments: new Set<number>(), checklist: "" };
  const print = (line: string) => out(`${line}\n`);
  const steps = buildCycleSteps(replay.variant, replay.releases, { raceRebase: replay.variant === VARIANTS.A });
  await runSteps(
    replay,
    steps,
    { deliver: {} },
    {
      before: (step: CycleStep) => {
        print(renderStepLine(new Date(step.at), step.actor, step.title));
        seen.logs = logs.length;
        seen.deliveries = replay.forge.deliveries.length;
      },
      after: () => {
        const delivered = replay.forge.deliveries.slice(seen.deliveries);
        if (verbose && delivered.length > 0) print(renderDetail("webhooks", summarizeDeliveries(delivered)));
        for (const line of logs.slice(seen.logs)) {
          const action = /^[^:]+: (did|failed to) (.*)$/.exec(line.message);
          if (!action || /^(comment|reply|update the tracking issue)/.test(action[2]!)) continue;
          print(renderDetail("app", `${action[1] === "did" ? "" : "FAILED to "}${action[2]}`));
        }
        const issue = findTrackingIssue(replay.forge, OWNER, REPO);
        for (const comment of issue?.comments ?? []) {
          if (seen.comments.has(comment.id)) continue;
          seen.comments.add(comment.id);
          if (!comment.author.endsWith("[bot]")) continue;
          const [first = "", ...rest] = renderComment(comment.body);
          for (const line of renderDetailBlock("app", [`💬 ${first}`, ...rest.map((text) => `   ${text}`)]))
            print(line);
        }
        const checklist = renderChecklistLine(readChecklist(issue?.body ?? null));
        if (checklist !== seen.checklist) print(renderDetail("checklist", checklist));
        seen.checklist = checklist;
      },
    },
  );
}

function printOutcome(replay: Replay, out: (text: string) => void, verbose: boolean): void {
  const issue = findTrackingIssue(replay.forge, OWNER, REPO);
  out(
    `\nThe tracking issue #${issue?.number ?? "?"} "${issue?.title ?? "?"}" is ${issue?.state ?? "missing"}. ` +
      `Its final text, as GitHub shows it:\n\n`,
  );
  out(
    `${renderIssueBody(issue?.body ?? "(no tracking issue)")
      .map((line) => (line ? `    ${line}` : ""))
      .join("\n")}\n\n`,
  );
  const requests = replay.appRequests();
  const rest = requests.filter((entry) => !entry.route?.includes(".git/"));
  out(
    `GitHub requests by the app for the whole cycle: ${rest.length} API calls and ${requests.length - rest.length} ` +
      `git requests.${verbose ? "" : " (--verbose lists them by route.)"}\n`,
  );
  if (!verbose) return;
  out(`Every route the app used:\n`);
  out(`${renderRequestTable(requests).join("\n")}\n`);
}
