// Issues, comments and labels through the real @octokit/rest: shapes, webhooks, limits, faults.
import { test } from "node:test";
import assert from "node:assert/strict";
import { appOctokit, rejection, startSelinux, userOctokit } from "./forge-fixtures.ts";

const owner = "selinux";
const repo = "selinux";
const FIXED = new Date("2024-03-12T10:00:00Z");

test("issues and comments carry who wrote them, and every write sends GitHub's webhook", async (t) => {
  const world = await startSelinux({ clock: () => FIXED });
  t.after(() => world.close());
  const paul = userOctokit(world.forge, world.paulToken);
  const app = appOctokit(world.forge, world.installationId);
  const strangerToken = world.forge.createUser("stranger");
  const stranger = userOctokit(world.forge, strangerToken);

  const issue = await paul.rest.issues.create({ owner, repo, title: "Merge window: v6.9", body: "checklist" });
  assert.equal(issue.status, 201);
  assert.deepEqual(
    [issue.data.number, issue.data.user?.login, issue.data.user?.type, issue.data.author_association],
    [1, "paul", "User", "COLLABORATOR"],
  );
  assert.equal(issue.data.created_at, "2024-03-12T10:00:00Z", "timestamps come from the injected clock");
  const bot = await app.rest.issues.createComment({ owner, repo, issue_number: 1, body: "reminder" });
  assert.deepEqual([bot.data.user?.login, bot.data.user?.type], ["merge-window[bot]", "Bot"]);
  const human = await paul.rest.issues.createComment({ owner, repo, issue_number: 1, body: "/merge-window status" });
  assert.equal(human.data.author_association, "COLLABORATOR");
  const outsider = await stranger.rest.issues.createComment({ owner, repo, issue_number: 1, body: "+1" });
  assert.equal(outsider.data.author_association, "NONE");
  await app.rest.issues.updateComment({ owner, repo, comment_id: bot.data.id, body: "reminder (edited)" });
  await paul.rest.issues.update({ owner, repo, issue_number: 1, title: "Merge window: v7.0", state: "closed" });

  const hooks = await world.sandbox.deliver();
  assert.deepEqual(
    hooks.map((hook) => `${hook.event}.${hook.action}:${hook.payload.sender.login}`),
    [
      "issues.opened:paul",
      "issue_comment.created:merge-window[bot]",
      "issue_comment.created:paul",
      "issue_comment.created:stranger",
      "issue_comment.edited:merge-window[bot]",
      "issues.edited:paul",
      "issues.closed:paul",
    ],
  );
  assert.equal(hooks[1]!.payload.sender.type, "Bot", "the app's own comments come back, marked as a bot's");
  assert.equal(hooks[2]!.payload.comment.body, "/merge-window status");
  assert.equal(hooks[2]!.payload.issue.number, 1);
  assert.deepEqual(hooks[4]!.payload.changes, { body: { from: "reminder" } });
  assert.deepEqual(hooks[5]!.payload.changes, { title: { from: "Merge window: v6.9" } });
  const stored = world.forge.issues(owner, repo)[0]!;
  assert.deepEqual(
    [stored.title, stored.state, stored.comments.map((comment) => comment.author)],
    ["Merge window: v7.0", "closed", ["merge-window[bot]", "paul", "stranger"]],
  );
});

test("an installation token writes only to the repositories it covers; an author edits their own issue", async (t) => {
  const world = await startSelinux();
  t.after(() => world.close());
  await world.forge.createRepo(owner, "other");
  const app = appOctokit(world.forge, world.installationId);
  const paul = userOctokit(world.forge, world.paulToken);
  const stranger = userOctokit(world.forge, world.forge.createUser("stranger"));
  assert.equal((await app.rest.repos.get({ owner, repo: "other" })).status, 200, "a public repository is readable");
  const refused = await rejection(app.rest.issues.create({ owner, repo: "other", title: "not ours" }));
  assert.deepEqual(
    [refused.status, (refused.response?.data as { message: string }).message],
    [403, "Resource not accessible by integration"],
  );
  await stranger.rest.issues.create({ owner, repo: "other", title: "a stranger's issue" });
  assert.equal(
    (await rejection(app.rest.issues.createComment({ owner, repo: "other", issue_number: 1, body: "hi" }))).status,
    403,
  );
  assert.equal(
    (await rejection(app.rest.issues.update({ owner, repo: "other", issue_number: 1, state: "closed" }))).status,
    403,
  );
  assert.equal(
    (await rejection(paul.rest.issues.update({ owner, repo: "other", issue_number: 1, state: "closed" }))).status,
    403,
    "paul has no role on other",
  );
  await stranger.rest.issues.update({ owner, repo: "other", issue_number: 1, title: "edited by its author" });
  assert.deepEqual(
    world.forge.issues(owner, "other").map((issue) => [issue.title, issue.state, issue.comments.length]),
    [["edited by its author", "open", 0]],
  );
});

test("labels: added (created on demand), read, removed, listed by filter; duplicates refused", async (t) => {
  const world = await startSelinux();
  t.after(() => world.close());
  const app = appOctokit(world.forge, world.installationId);
  await app.rest.issues.create({ owner, repo, title: "one" });
  await app.rest.issues.create({ owner, repo, title: "two" });
  const added = await app.rest.issues.addLabels({ owner, repo, issue_number: 2, labels: ["merge-window", "v6.9"] });
  assert.deepEqual(
    added.data.map((label) => label.name),
    ["merge-window", "v6.9"],
  );
  assert.equal((await app.rest.issues.getLabel({ owner, repo, name: "merge-window" })).data.color, "ededed");
  assert.equal((await rejection(app.rest.issues.getLabel({ owner, repo, name: "nope" }))).status, 404);
  const filtered = await app.rest.issues.listForRepo({ owner, repo, labels: "merge-window", state: "all" });
  assert.deepEqual(
    filtered.data.map((issue) => issue.title),
    ["two"],
  );
  const remaining = await app.rest.issues.removeLabel({ owner, repo, issue_number: 2, name: "v6.9" });
  assert.deepEqual(
    remaining.data.map((label) => label.name),
    ["merge-window"],
  );
  assert.equal(
    (await rejection(app.rest.issues.removeLabel({ owner, repo, issue_number: 2, name: "v6.9" }))).status,
    404,
  );
  assert.equal((await app.rest.issues.createLabel({ owner, repo, name: "deferred", color: "d73a4a" })).status, 201);
  const duplicate = await rejection(app.rest.issues.createLabel({ owner, repo, name: "Deferred" }));
  assert.equal(duplicate.status, 422);
  assert.deepEqual(world.forge.issues(owner, repo)[1]!.labels, ["merge-window"]);
  const labelled = world.forge
    .pendingDeliveries()
    .filter((delivery) => delivery.event === "issues")
    .map((delivery) => delivery.action);
  assert.deepEqual(labelled, ["opened", "opened", "labeled", "labeled", "unlabeled"]);
});

test("pagination: per_page pages with GitHub's Link header, and octokit.paginate walks them all", async (t) => {
  const world = await startSelinux();
  t.after(() => world.close());
  const app = appOctokit(world.forge, world.installationId);
  await app.rest.issues.create({ owner, repo, title: "tracking" });
  for (let i = 1; i <= 5; i++)
    await app.rest.issues.createComment({ owner, repo, issue_number: 1, body: `comment ${i}` });
  const first = await app.rest.issues.listComments({ owner, repo, issue_number: 1, per_page: 2 });
  assert.deepEqual(
    first.data.map((comment) => comment.body),
    ["comment 1", "comment 2"],
  );
  const link = first.headers.link ?? "";
  assert.match(link, /<[^>]*[?&]page=2[^>]*>; rel="next"/);
  assert.match(link, /<[^>]*[?&]page=3[^>]*>; rel="last"/);
  const last = await app.rest.issues.listComments({ owner, repo, issue_number: 1, per_page: 2, page: 3 });
  assert.deepEqual(
    last.data.map((comment) => comment.body),
    ["comment 5"],
  );
  assert.doesNotMatch(last.headers.link ?? "", /rel="next"/);
  assert.match(last.headers.link ?? "", /rel="prev"/);
  const all = await app.paginate(app.rest.issues.listComments, { owner, repo, issue_number: 1, per_page: 2 });
  assert.deepEqual(
    all.map((comment) => comment.body),
    [1, 2, 3, 4, 5].map((i) => `comment ${i}`),
  );
});

test("bodies over 65,536 characters get GitHub's 422; 65,536 is fine (counted in characters)", async (t) => {
  const world = await startSelinux();
  t.after(() => world.close());
  const app = appOctokit(world.forge, world.installationId);
  await app.rest.issues.create({ owner, repo, title: "tracking", body: "x".repeat(65536) });
  const tooLong = await rejection(app.rest.issues.create({ owner, repo, title: "big", body: "x".repeat(65537) }));
  assert.equal(tooLong.status, 422);
  const errors = (tooLong.response?.data as { errors: { message: string; field: string }[] }).errors;
  assert.deepEqual([errors[0]?.field, errors[0]?.message], ["body", "body is too long (maximum is 65536 characters)"]);
  const emoji = await app.rest.issues.createComment({ owner, repo, issue_number: 1, body: "🐧".repeat(65536) });
  assert.equal(emoji.status, 201, "65,536 penguins are 131,072 UTF-16 units but 65,536 characters");
  assert.equal(
    (await rejection(app.rest.issues.createComment({ owner, repo, issue_number: 1, body: "y".repeat(65537) }))).status,
    422,
  );
  assert.equal(
    (
      await rejection(
        app.rest.issues.updateComment({ owner, repo, comment_id: emoji.data.id, body: "z".repeat(65537) }),
      )
    ).status,
    422,
  );
  assert.equal(world.forge.issues(owner, repo).length, 1);
  assert.equal(world.forge.issues(owner, repo)[0]!.comments.length, 1);
});

test("bad or missing credentials get 401 with GitHub's JSON", async (t) => {
  const world = await startSelinux();
  t.after(() => world.close());
  const bad = await rejection(userOctokit(world.forge, "ghp_not-a-token").rest.issues.listForRepo({ owner, repo }));
  assert.equal(bad.status, 401);
  assert.equal((bad.response?.data as { message: string }).message, "Bad credentials");
  assert.match(
    (bad.response?.data as { documentation_url: string }).documentation_url,
    /^https:\/\/docs\.github\.com\//,
  );
  const anonymous = await fetch(`${world.forge.baseUrl}/repos/selinux/selinux/issues`);
  assert.equal(anonymous.status, 401);
  const missing = await rejection(userOctokit(world.forge, world.paulToken).rest.repos.get({ owner, repo: "nope" }));
  assert.deepEqual([missing.status, (missing.response?.data as { message: string }).message], [404, "Not Found"]);
});

test("a 502 after applying leaves exactly one comment; before applying, none", async (t) => {
  const world = await startSelinux();
  t.after(() => world.close());
  const app = appOctokit(world.forge, world.installationId);
  await app.rest.issues.create({ owner, repo, title: "tracking" });
  const route = "/repos/{owner}/{repo}/issues/{issue_number}/comments";
  world.forge.failNext("POST", route, { status: 502, afterApplying: true });
  const failed = await rejection(app.rest.issues.createComment({ owner, repo, issue_number: 1, body: "reminder" }));
  assert.equal(failed.status, 502);
  const listed = await app.rest.issues.listComments({ owner, repo, issue_number: 1 });
  assert.deepEqual(
    listed.data.map((comment) => comment.body),
    ["reminder"],
  );
  assert.equal(world.forge.pendingDeliveries().filter((delivery) => delivery.event === "issue_comment").length, 1);

  world.forge.failNext("POST", route, { afterApplying: false });
  assert.equal(
    (await rejection(app.rest.issues.createComment({ owner, repo, issue_number: 1, body: "lost" }))).status,
    502,
  );
  assert.deepEqual(
    world.forge.issues(owner, repo)[0]!.comments.map((comment) => comment.body),
    ["reminder"],
  );
  assert.equal(world.forge.countWrites(route), 2);
});

test("rate limits: headers on every answer; an injected limit is a 403 with remaining 0 and the reset", async (t) => {
  const world = await startSelinux({ clock: () => FIXED });
  t.after(() => world.close());
  const paul = userOctokit(world.forge, world.paulToken);
  const first = await paul.rest.issues.listForRepo({ owner, repo });
  const second = await paul.rest.issues.listForRepo({ owner, repo });
  assert.equal(first.headers["x-ratelimit-limit"], "5000");
  assert.equal(Number(first.headers["x-ratelimit-remaining"]) - Number(second.headers["x-ratelimit-remaining"]), 1);
  world.forge.rateLimitNext("POST", "/repos/{owner}/{repo}/issues", { resetInSeconds: 120 });
  const limited = await rejection(paul.rest.issues.create({ owner, repo, title: "limited" }));
  assert.equal(limited.status, 403);
  assert.equal(limited.response?.headers["x-ratelimit-remaining"], "0");
  assert.equal(limited.response?.headers["x-ratelimit-reset"], String(FIXED.getTime() / 1000 + 120));
  assert.match((limited.response?.data as { message: string }).message, /^API rate limit exceeded/);
  assert.deepEqual(world.forge.issues(owner, repo), [], "a rate-limited request does nothing");
  assert.equal(
    (await paul.rest.issues.create({ owner, repo, title: "later" })).status,
    201,
    "the limit was for one request",
  );
});
