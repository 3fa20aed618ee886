// Scenario 11 (tokens): a real run whose failures quote credentials (a GitHub error message carrying an installation
// token URL and a fine-grained token, a command carrying a classic token) writes none of them, nor the app's
// private key or webhook secret, to any line Probot, Octokit or the app logs, or to anything the app posts.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createReplay, OWNER, REPO } from "../../src/sandbox/replay.ts";
import { findTrackingIssue } from "../../src/sandbox/replay-state.ts";

const INSTALLATION = `ghs_${"R7".repeat(18)}`;
const FINE_GRAINED = `github_pat_11AAAAAAA0${"x".repeat(60)}`;
const CLASSIC = `ghp_${"C3".repeat(18)}`;
const TOKEN_SHAPES = /gh[pousr]_[A-Za-z0-9]{16,}|github_pat_[A-Za-z0-9_]{16,}|x-access-token:[^*\s]/;

test("s11: tokens, the private key and the webhook secret reach no log line, comment, issue or check", async (t) => {
  const lines: string[] = [];
  const replay = await createReplay({
    variant: "rebase-at-window-open",
    onLog: (line) => lines.push(`${line.level} ${line.name}: ${line.message}`),
    defer: () => {},
  });
  t.after(() => replay.close());
  await replay.tick();
  const issue = findTrackingIssue(replay.forge, OWNER, REPO)!;
  await replay.maintainer.comment(issue.number, `/merge-window version ${CLASSIC}`);
  // The app's reply fails, and GitHub's error quotes credentials: the app logs it and shows it in the issue.
  replay.forge.failNext("POST", "/repos/{owner}/{repo}/issues/{issue_number}/comments", {
    status: 422,
    afterApplying: false,
    message: `refused for https://x-access-token:${INSTALLATION}@github.com/o/r.git (${FINE_GRAINED})`,
  });
  await replay.settle();
  await replay.tick(); // the retry

  const { privateKey, webhookSecret } = replay.forge.app;
  const keyLine = privateKey.split("\n")[3]!; // a line of the key's base64 body
  const forbidden = [INSTALLATION, FINE_GRAINED, CLASSIC, keyLine, webhookSecret];
  assert.ok(
    lines.some((line) => line.includes("refused for https://***@github.com")),
    `the failure itself was logged:\n${lines.join("\n")}`,
  );
  const written = replay.forge
    .issues(OWNER, REPO)
    .flatMap((view) => [
      view.title,
      ...(view.author === PEOPLE_MAINTAINER ? [] : [view.body ?? ""]),
      ...view.comments.filter((c) => c.author !== PEOPLE_MAINTAINER).map((c) => c.body),
    ]);
  written.push(JSON.stringify(replay.forge.checkRuns(OWNER, REPO)));
  for (const [where, texts] of [
    ["log", lines],
    ["GitHub", written],
  ] as const) {
    for (const text of texts) {
      for (const secret of forbidden) assert.ok(!text.includes(secret), `${where} holds a secret: ${text}`);
      assert.doesNotMatch(text, TOKEN_SHAPES, `${where} holds a token-shaped string`);
    }
  }
});

const PEOPLE_MAINTAINER = "pcmoore";
