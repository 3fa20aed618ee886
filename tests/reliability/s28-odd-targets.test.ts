// Scenario 28 (rest): a `*-pr-*` tag of a tree or a blob is invalid with its own code (not-a-commit), reported in
// the tracking issue (GitHub attaches check runs to commits only) and never silently skipped; a tag of a tag is
// followed to its commit and the OUTER tag's own signature is what counts. Real git, a throwaway GPG key.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { buildGitEnv } from "../../src/adapters/git/runner.ts";
import type { GitLayer } from "../../src/adapters/git/index.ts";
import { defaultConfig, type Config } from "../../src/config/load.ts";
import { buildTagPolicy, observeFacts, verifyTag } from "../../src/observe.ts";
import { createGpgKey, signPayload, stopGpgAgent, type GpgKey } from "../fixtures/keys.ts";
import { createWorld, git, type World as GitWorld } from "../adapters/git/git-world.ts";
import { stable, summarize, v68Tags, World } from "../domain/machine/machine-world.ts";

const AT = new Date("2024-03-12T18:00:00Z");
const NOW = new Date("2024-03-13T09:00:00Z");
const MESSAGE = "selinux/stable-6.8 PR 20240312";

let world: GitWorld;
let key: GpgKey;
let layer: GitLayer;
let commit: string;

/** A tag object over `object` of `type`, signed by the key unless `signed` is false; named by a ref when `ref`. */
function mkTag(name: string, object: string, type: string, options: { signed?: boolean; ref?: boolean } = {}) {
  const at = Math.floor(AT.getTime() / 1000);
  const tagger = `tagger Paul Moore <paul@paul-moore.com> ${at} +0000`;
  const payload = `object ${object}\ntype ${type}\ntag ${name}\n${tagger}\n\n${MESSAGE}\n`;
  const signature = options.signed === false ? "" : signPayload(key, payload);
  const id = execFileSync("git", ["mktag"], {
    cwd: world.maint,
    env: buildGitEnv(),
    input: payload + signature,
    encoding: "utf8",
  }).trim();
  if (options.ref ?? true) {
    git(world.maint, ["update-ref", `refs/tags/${name}`, id]);
    git(world.maint, ["push", "-q", "origin", `refs/tags/${name}`]);
  }
  return id;
}

before(async () => {
  world = createWorld();
  const keys = join(world.root, "keys");
  mkdirSync(keys);
  key = createGpgKey(keys, { name: "Paul Moore", email: "paul@paul-moore.com" });
  world.commit("selinux: fix", { "security/selinux/fix.c": "int fix;\n" });
  commit = world.sha("HEAD", world.maint);
  git(world.maint, ["branch", "stable-6.8"]);
  world.push("stable-6.8");
  const tree = git(world.maint, ["rev-parse", "HEAD^{tree}"]);
  const blob = git(world.maint, ["rev-parse", "HEAD:security/selinux/fix.c"]);
  mkTag("selinux-pr-20240312", tree, "tree");
  mkTag("selinux-pr-20240312-2", blob, "blob");
  // Signed tags of a signed inner tag (not a ref itself): one signed outside, one whose outer tag is unsigned.
  const inner = mkTag("inner", commit, "commit", { ref: false });
  mkTag("selinux-pr-20240312-3", inner, "tag");
  mkTag("selinux-pr-20240312-4", inner, "tag", { signed: false });
  layer = world.layer({ env: { GNUPGHOME: key.gnupgHome } });
  await layer.observe();
});
after(() => {
  stopGpgAgent(key.gnupgHome);
  world.cleanup();
});

const config = (): Config => ({
  ...defaultConfig("selinux"),
  signing: { ...defaultConfig("selinux").signing, allowedSigners: [key.fingerprint] },
});

async function codes(name: string): Promise<string[]> {
  const policy = { ...buildTagPolicy(config()), allowedFingerprints: [key.fingerprint] };
  const verdict = await verifyTag(layer, name, { policy, now: NOW });
  return verdict.problems.map((problem) => problem.code);
}

test("s28: a tag of a tree or blob is not-a-commit; a tag of a tag is judged by its outer signature", async () => {
  assert.deepEqual(await codes("selinux-pr-20240312"), ["not-a-commit"]);
  assert.deepEqual(await codes("selinux-pr-20240312-2"), ["not-a-commit"]);
  assert.deepEqual(await codes("selinux-pr-20240312-3"), [], "a signed tag of a tag is valid, not 'unsigned'");
  assert.deepEqual(await codes("selinux-pr-20240312-4"), ["unsigned"], "the inner tag's signature does not count");
});

test("s28: odd tags are kept and reported: no check run for a tree, a line in the tracking issue", async () => {
  const { facts } = await observeFacts(layer, config(), NOW);
  const byName = new Map(facts.tags.map((tag) => [tag.name, tag]));
  assert.equal(byName.get("selinux-pr-20240312")?.target, "tree", "never silently skipped");
  assert.equal(byName.get("selinux-pr-20240312-2")?.target, "blob");
  assert.equal(byName.get("selinux-pr-20240312-3")?.sha, commit, "a tag of a tag is followed to the commit");
  assert.equal(byName.get("selinux-pr-20240312-3")?.check?.valid, true);

  const machine = new World(
    { ...facts, upstreamTags: v68Tags(), stableBranches: [stable("stable-6.8", commit, "v6.8-rc1")] },
    { ...config(), variant: "rebase-at-window-open" },
  );
  const effects = machine.run(NOW.toISOString(), { type: "reconcile", scheduled: true });
  const keys = summarize(effects);
  assert.ok(!keys.some((k) => k.startsWith("tag-check:selinux-pr-20240312@")), "no check run on a tree");
  assert.ok(
    keys.some((k) => k.startsWith("tag-check:selinux-pr-20240312-3@")),
    "the tag of a tag is checked",
  );
  const update = effects.filter((effect) => effect.type === "update-tracking-issue").at(-1);
  assert.ok(update && "body" in update);
  assert.match(update.body, /selinux-pr-20240312`\].*points at a tree, not a commit.*no check run/);
  assert.match(update.body, /selinux-pr-20240312-2`\].*points at a blob, not a commit/);
});
