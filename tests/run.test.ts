// run() before any git work: an unreadable config file is a config error (reported, last good kept), and a
// trigger that is nothing to the app (another workflow's run) opens no workspace.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createManualClock } from "../src/adapters/clock.ts";
import { parseConfig, type Config } from "../src/config/load.ts";
import { InputError } from "../src/domain/errors.ts";
import type { GitHubPort } from "../src/ports.ts";
import { ConfigMemory, run, type RunDeps } from "../src/run.ts";
import type { Trigger } from "../src/ports.ts";

const TICK: Trigger = { kind: "tick", job: "reconcile" };

function parse(yaml: string): Config {
  const result = parseConfig(yaml);
  assert.ok(result.ok);
  return result.config;
}

/** A GitHubPort whose every method fails the test unless `overrides` gives it; `calls` lists what was called. */
function fakeGitHub(overrides: Partial<GitHubPort>, calls: string[]): GitHubPort {
  return new Proxy({} as GitHubPort, {
    get:
      (_, name: string) =>
      (...args: unknown[]) => {
        calls.push(name);
        const method = (overrides as Record<string, (...a: unknown[]) => unknown>)[name];
        if (!method) throw new Error(`unexpected GitHub call ${name}`);
        return method(...args);
      },
  });
}

class GitOpened extends Error {}

function depsWith(github: GitHubPort, configs: ConfigMemory, opened: Config[]): RunDeps {
  return {
    github,
    openGit: async (config) => {
      opened.push(config);
      throw new GitOpened("git workspace opened");
    },
    clock: createManualClock("2024-03-13T00:30:00Z"),
    configs,
    owner: "selinuxproject",
    repo: "selinux-kernel",
    defaultPublicUrl: "https://github.com/selinuxproject/selinux-kernel.git",
    signingKey: null,
    log: () => {},
  };
}

const NOT_A_FILE = () =>
  Promise.reject(
    new InputError("config-not-a-file", ".github/merge-window.yml in selinuxproject/selinux-kernel is not a file"),
  );

test("a config file the adapter refuses to read is a config error naming the file, not a crashed run", async () => {
  const calls: string[] = [];
  const opened: Config[] = [];
  const outcome = await run(
    TICK,
    depsWith(fakeGitHub({ readConfigFile: NOT_A_FILE }, calls), new ConfigMemory(), opened),
  );
  assert.equal(outcome.status, "config-error");
  assert.deepEqual(outcome.status === "config-error" && outcome.errors.map((error) => [error.file, error.message]), [
    [".github/merge-window.yml", ".github/merge-window.yml in selinuxproject/selinux-kernel is not a file"],
  ]);
  assert.deepEqual(opened, [], "no workspace for a repository without a usable config");
});

test("with a last good config, an unreadable file is reported once in the issue; the old one is kept", async () => {
  const calls: string[] = [];
  const opened: Config[] = [];
  const comments: string[] = [];
  const configs = new ConfigMemory();
  const lastGood = parse("subsystem: selinux\n");
  configs.set("selinuxproject/selinux-kernel", lastGood);
  const github = fakeGitHub(
    {
      readConfigFile: NOT_A_FILE,
      listTrackingIssues: async () => [
        { number: 7, title: "merge-window: v6.9 (selinux)", body: "", open: true, trusted: true },
      ],
      upsertComment: async (_issue, key, body) => void comments.push(`${key}\n${body}`),
    },
    calls,
  );
  await assert.rejects(run(TICK, depsWith(github, configs, opened)), GitOpened);
  assert.deepEqual(opened, [lastGood], "the run went on with the last good config");
  assert.equal(comments.length, 1);
  assert.match(
    comments[0]!,
    new RegExp(
      /^config-error:[0-9a-f]+\n\*\*\.github\/merge-window\.yml is invalid\*\*[\s\S]*is not a /.source +
        /file[\s\S]*keeps working with the last good configuration/.source,
    ),
  );
  await assert.rejects(run(TICK, depsWith(github, configs, opened)), GitOpened);
  assert.equal(comments.length, 1, "the same error is not reported twice");
});

test("a finished run of another workflow is ignored before any git work; the configured one reaches git", async () => {
  const calls: string[] = [];
  const opened: Config[] = [];
  const github = fakeGitHub(
    { readConfigFile: async () => "subsystem: selinux\ntests:\n  workflow: kernel-tests.yml\n" },
    calls,
  );
  const finished = (path: string): Trigger => ({
    kind: "workflow-run",
    path,
    branch: "next",
    sha: "a".repeat(40),
    conclusion: "success",
    url: "https://example.invalid/run",
  });
  const deps = depsWith(github, new ConfigMemory(), opened);

  assert.deepEqual(await run(finished(".github/workflows/lint.yml"), deps), {
    status: "ignored",
    reason: "nothing to do for workflow-run",
  });
  assert.deepEqual(opened, []);
  assert.deepEqual(calls, ["readConfigFile"]);

  await assert.rejects(run(finished(".github/workflows/kernel-tests.yml"), deps), GitOpened);
  assert.equal(opened.length, 1);
});
