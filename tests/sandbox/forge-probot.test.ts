// A real Probot app against the forge: signed webhooks in, installation-authenticated REST calls out.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { createNodeMiddleware, Probot } from "probot";
import { createForge } from "../../src/sandbox/forge/index.ts";
import { createWorkTree, userOctokit } from "./forge-fixtures.ts";

test("Probot verifies the forge's webhooks, replies through the forge, sees its own comment come back", async (t) => {
  const forge = await createForge();
  const seen: string[] = [];
  const probot = new Probot({
    appId: forge.app.id,
    privateKey: forge.app.privateKey,
    secret: forge.app.webhookSecret,
    baseUrl: forge.baseUrl,
    logLevel: "fatal",
  });
  const middleware = await createNodeMiddleware(
    (app) => {
      app.on("issue_comment.created", async (context) => {
        seen.push(`${context.payload.sender.login}:${context.payload.comment.body}`);
        if (context.payload.sender.type === "Bot") return;
        const { data } = await context.octokit.rest.repos.getCollaboratorPermissionLevel(
          context.repo({ username: context.payload.sender.login }),
        );
        await context.octokit.rest.issues.createComment(context.issue({ body: `permission: ${data.permission}` }));
      });
      app.on("push", async (context) => {
        seen.push(`push:${context.payload.ref}`);
      });
    },
    { probot },
  );
  const server = createServer((req, res) => void middleware(req, res));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  t.after(async () => {
    await forge.close();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  forge.setWebhookUrl(`http://127.0.0.1:${(server.address() as { port: number }).port}/api/github/webhooks`);

  const token = forge.createUser("paul");
  await forge.createRepo("selinux", "selinux");
  forge.setPermission("selinux", "selinux", "paul", "write");
  forge.installApp("selinux", ["selinux"]);
  const work = await createWorkTree(forge.gitUrl("selinux", "selinux", "paul"));
  t.after(() => work.cleanup());
  await work.run(["push", "origin", "HEAD:refs/heads/main"]);
  const paul = userOctokit(forge, token);
  await paul.rest.issues.create({ owner: "selinux", repo: "selinux", title: "Merge window: v6.9" });
  await paul.rest.issues.createComment({
    owner: "selinux",
    repo: "selinux",
    issue_number: 1,
    body: "/merge-window status",
  });

  const first = await forge.deliver();
  assert.ok(
    first.every((record) => record.status === 200),
    JSON.stringify(first.map((record) => [record.event, record.status])),
  );
  const second = await forge.deliver();
  assert.deepEqual(
    second.map((record) => `${record.event}.${record.action}:${record.status}`),
    ["issue_comment.created:200"],
  );
  assert.deepEqual(seen, ["push:refs/heads/main", "paul:/merge-window status", "merge-window[bot]:permission: write"]);
  assert.deepEqual(
    forge.issues("selinux", "selinux")[0]!.comments.map((comment) => comment.author),
    ["paul", "merge-window[bot]"],
  );
});
