// Webhook payloads for the app's end-to-end tests: GitHub's own examples (@octokit/webhooks-examples), deep-copied
// and pointed at the fixture repository, its installation, refs, shas and comment text.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";

interface Example {
  readonly name: string;
  readonly examples: readonly Record<string, any>[];
}

const require = createRequire(import.meta.url);
const EXAMPLES: readonly Example[] = JSON.parse(
  readFileSync(require.resolve("@octokit/webhooks-examples/api.github.com/index.json"), "utf8"),
);

export interface PayloadTarget {
  readonly owner: string;
  readonly repo: string;
  readonly installationId: number;
}

export interface Person {
  readonly login: string;
  readonly type: "User" | "Bot";
}

/** A deep copy of the first example of `event` that `pick` accepts, aimed at `target`. */
export function buildPayload(
  target: PayloadTarget,
  event: string,
  pick: (example: Record<string, any>) => boolean = () => true,
): Record<string, any> {
  const example = EXAMPLES.find((entry) => entry.name === event)?.examples.find(pick);
  if (!example) throw new Error(`@octokit/webhooks-examples has no matching ${event} example`);
  const payload = structuredClone(example);
  payload.installation = {
    id: target.installationId,
    node_id: `MDIzOkludGVncmF0aW9uSW5zdGFsbGF0aW9u${target.installationId}`,
  };
  payload.repository = {
    ...payload.repository,
    name: target.repo,
    full_name: `${target.owner}/${target.repo}`,
    owner: { ...payload.repository.owner, login: target.owner, name: target.owner },
  };
  return payload;
}

/** `push` of a tag or branch: `after` is what the ref now points at (a tag object for annotated tags). */
export function buildPushPayload(target: PayloadTarget, ref: string, after: string): Record<string, any> {
  const payload = buildPayload(target, "push", (example) =>
    String(example.ref).startsWith(ref.startsWith("refs/tags/") ? "refs/tags/" : "refs/heads/"),
  );
  return { ...payload, ref, after, before: "0".repeat(40), created: true, deleted: false, forced: false };
}

/** `issue_comment.created` on `issue` by `author`. */
export function buildCommentPayload(
  target: PayloadTarget,
  input: { issue: number; commentId: number; body: string; author: Person },
): Record<string, any> {
  const payload = buildPayload(
    target,
    "issue_comment",
    (example) => example.action === "created" && !example.issue.pull_request,
  );
  const user = { ...payload.comment.user, login: input.author.login, type: input.author.type };
  payload.comment = { ...payload.comment, id: input.commentId, body: input.body, user };
  payload.issue = { ...payload.issue, number: input.issue };
  payload.sender = { ...payload.sender, login: input.author.login, type: input.author.type };
  return payload;
}
