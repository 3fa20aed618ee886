// Webhook delivery: order, duplicates, redelivery, the delivery log; payload shapes against GitHub's examples.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { createForge } from "../../src/sandbox/forge/index.ts";
import { appOctokit, startSelinux, userOctokit } from "./forge-fixtures.ts";

const owner = "selinux";
const repo = "selinux";

test("deliver sends in queue order by default, reversed or shuffled on request, and logs every status", async (t) => {
  const world = await startSelinux();
  t.after(() => world.close());
  const app = appOctokit(world.forge, world.installationId);
  const create = async (titles: string[]) => {
    for (const title of titles) await app.rest.issues.create({ owner, repo, title });
  };
  const titles = (hooks: { payload: Record<string, any> }[]) => hooks.map((hook) => hook.payload.issue.title);

  await create(["a", "b", "c"]);
  assert.deepEqual(titles(await world.sandbox.deliver()), ["a", "b", "c"]);
  await create(["d", "e", "f"]);
  await world.forge.deliver({ order: "reverse" });
  assert.deepEqual(titles(world.sandbox.received.slice(3)), ["f", "e", "d"]);
  await create(["g", "h", "i"]);
  const picks = [0.1, 0.1];
  await world.forge.deliver({ order: "shuffle", random: () => picks.shift() ?? 0 });
  assert.deepEqual(titles(world.sandbox.received.slice(6)), ["h", "i", "g"]);

  world.sandbox.receiverStatus = 500;
  await create(["j"]);
  const [failed] = await world.forge.deliver();
  assert.equal(failed?.status, 500);
  assert.deepEqual(world.forge.pendingDeliveries(), [], "a failed delivery is not retried on its own, as on GitHub");
  assert.deepEqual(
    world.forge.deliveries.map((record) => record.status),
    [200, 200, 200, 200, 200, 200, 200, 200, 200, 500],
  );
});

test("a duplicated delivery and a redelivery reuse the delivery id and the exact body", async (t) => {
  const world = await startSelinux();
  t.after(() => world.close());
  const paul = userOctokit(world.forge, world.paulToken);
  await paul.rest.issues.create({ owner, repo, title: "tracking" });
  await paul.rest.issues.createComment({ owner, repo, issue_number: 1, body: "/merge-window status" });
  await world.forge.deliver({ duplicate: (delivery) => delivery.event === "issue_comment" });
  const events = world.sandbox.received.map((hook) => `${hook.event}:${hook.id}`);
  assert.equal(events.length, 3);
  assert.equal(events[1], events[2], "the comment arrived twice with one delivery id");
  assert.notEqual(events[0], events[1]);
  assert.deepEqual(
    world.forge.deliveries.map((record) => record.attempt),
    [1, 1, 2],
  );

  const again = await world.forge.redeliver(world.forge.deliveries[0]!.id);
  assert.equal(again.attempt, 2);
  assert.equal(world.sandbox.received.at(-1)?.id, world.sandbox.received[0]?.id);
  assert.deepEqual(world.sandbox.received.at(-1)?.payload, world.sandbox.received[0]?.payload);

  world.forge.setWebhookUrl("http://127.0.0.1:1/unreachable");
  await paul.rest.issues.createComment({ owner, repo, issue_number: 1, body: "while the receiver is away" });
  const [lost] = await world.forge.deliver();
  assert.deepEqual([lost?.status, typeof lost?.error], [null, "string"]);
  world.forge.setWebhookUrl(world.sandbox.webhookUrl);
  const redelivered = await world.forge.redeliver(lost!.id);
  assert.deepEqual(
    [redelivered.status, redelivered.attempt, "error" in redelivered],
    [200, 2, false],
    "a redelivery's record is its own, not the failed one's",
  );
  assert.equal(world.sandbox.received.at(-1)?.payload.comment.body, "while the receiver is away");
});

test("deliver without a webhook URL is an error that says what to do", async (t) => {
  const forge = await createForge();
  t.after(() => forge.close());
  await forge.createRepo("o", "r");
  forge.installApp("o", ["r"]);
  const token = forge.createUser("u");
  await userOctokit(forge, token).rest.issues.create({ owner: "o", repo: "r", title: "x" });
  assert.equal(forge.pendingDeliveries().length, 1);
  await assert.rejects(forge.deliver(), /no webhook URL configured; pass webhookUrl or call setWebhookUrl\(\)/);
});

/** Keys of GitHub's example that ours lacks, two levels deep; null objects on our side stand for absent things. */
function missingKeys(example: unknown, ours: unknown, path = "", depth = 0): string[] {
  if (!isObject(example) || !isObject(ours)) return [];
  return Object.keys(example).flatMap((key) => {
    if (!(key in ours)) return [`${path}${key}`];
    return depth < 2 ? missingKeys(example[key], ours[key], `${path}${key}.`, depth + 1) : [];
  });
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Keys GitHub sends that the forge does not model (see the module header). */
const NOT_MODELLED = new Set([
  "head_commit.author.username",
  "head_commit.committer.username",
  "issue.draft",
  "check_run.deployment",
]);

test("every payload has the keys of GitHub's example payload for the same event and action", async (t) => {
  const world = await startSelinux();
  t.after(() => world.close());
  const require = createRequire(import.meta.url);
  const examples = JSON.parse(
    readFileSync(require.resolve("@octokit/webhooks-examples/api.github.com/index.json"), "utf8"),
  ) as { name: string; examples: Record<string, unknown>[] }[];
  await world.work.commit({ ".github/workflows/t.yml": "on: workflow_dispatch\njobs: {}\n" }, "ci");
  await world.work.run(["push", "origin", "HEAD:refs/heads/main", "HEAD:refs/heads/next"]);
  await world.work.run(["checkout", "--quiet", "-b", "fix"]);
  const sha = await world.work.commit({ "hooks.c": "fix\n" });
  await world.work.run(["push", "origin", "fix", ":next"]);
  const paul = userOctokit(world.forge, world.paulToken);
  const app = appOctokit(world.forge, world.installationId);
  await paul.rest.issues.create({ owner, repo, title: "tracking" });
  await paul.rest.issues.createComment({ owner, repo, issue_number: 1, body: "hi" });
  await paul.rest.pulls.create({ owner, repo, title: "fix", head: "fix", base: "main" });
  await app.rest.checks.create({ owner, repo, name: "merge-window/tag", head_sha: sha });
  await app.rest.actions.createWorkflowDispatch({ owner, repo, workflow_id: "t.yml", ref: "main" });
  await world.forge.completeWorkflowRun(owner, repo, world.forge.workflowRuns(owner, repo)[0]!.id, "success");

  const checked = new Set<string>();
  for (const hook of await world.sandbox.deliver()) {
    const kind = `${hook.event}.${hook.action ?? ""}`;
    const example = examples
      .find((entry) => entry.name === hook.event)
      ?.examples.find((entry) => (entry.action ?? "") === (hook.action ?? ""));
    assert.ok(example, `GitHub has an example for ${kind}`);
    const missing = missingKeys(example, hook.payload).filter((key) => !NOT_MODELLED.has(key));
    assert.deepEqual(missing, [], `${kind} lacks keys GitHub sends`);
    checked.add(kind);
  }
  assert.deepEqual([...checked].sort(), [
    "check_run.created",
    "create.",
    "delete.",
    "issue_comment.created",
    "issues.opened",
    "pull_request.opened",
    "push.",
    "workflow_run.completed",
    "workflow_run.requested",
  ]);
});
