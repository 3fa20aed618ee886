// Observation on real repositories: upstream tags and dates, next's base and range, stable branches, tags, upstream
// merges.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { InputError } from "../../../src/domain/errors.ts";
import { createGitLayer } from "../../../src/adapters/git/index.ts";
import { mergeIntoUpstream, parseGitTime, renderSourceFile } from "../../fixtures/kernel-repo.ts";
import { createWorld, editLine, git, RELEASES, type World } from "./git-world.ts";

const HOOKS = "security/selinux/hooks.c";

describe("observe", () => {
  let world: World;
  let topicMerge: string;
  let backMerge: string;
  let stableFix: string;

  before(() => {
    // Fillers k=1..11 sit two before each release; k=10 (between rc2 and rc3) touches security/selinux/.
    world = createWorld({
      releases: [...RELEASES, { tag: "v6.8-rc3", date: "2024-02-04 15:00:00 -0800" }],
      filler: 8,
      subsystemTouchEvery: 10,
    });
    world.commit("selinux: first", { [HOOKS]: editLine(renderSourceFile(HOOKS), 5, "int first;") });
    world.commit("selinux: second", { "security/selinux/avc.c": "int avc;\n" });
    // Someone's topic branch, merged: foreign history.
    git(world.maint, ["checkout", "-q", "-b", "topic", "HEAD~1"]);
    world.commit("selinux: from a contributor", { "security/selinux/topic.c": "int topic;\n" });
    git(world.maint, ["checkout", "-q", "next"]);
    git(world.maint, ["merge", "-q", "--no-ff", "-m", "Merge branch 'topic'", "topic"]);
    topicMerge = world.sha("HEAD", world.maint);
    // A back-merge of an upstream tag: not foreign.
    git(world.maint, ["merge", "-q", "--no-ff", "-m", "Merge tag 'v6.8-rc2' into next", "v6.8-rc2"]);
    backMerge = world.sha("HEAD", world.maint);
    world.push("next");
    git(world.maint, ["checkout", "-q", "-b", "stable-6.8", "v6.8-rc1"]);
    world.commit("selinux: sent fix", { "security/selinux/ss/services.c": "int sent;\n" });
    git(world.maint, ["tag", "-a", "-m", "selinux/stable-6.8 PR 20240125", "selinux-pr-20240125"]);
    stableFix = world.commit("selinux: unsent fix", { "security/selinux/ss/symtab.c": "int unsent;\n" });
    world.push("stable-6.8");
    git(world.maint, ["push", "-q", "origin", "refs/tags/selinux-pr-20240125"]);
    git(world.maint, ["tag", "lightweight-pr-1", "HEAD~1"]);
    git(world.maint, ["push", "-q", "origin", "refs/tags/lightweight-pr-1"]);
  });
  after(() => world.cleanup());

  it("lists every upstream version tag in kernel order with its tagger date", async () => {
    const observed = await world.layer().observe();
    assert.deepEqual(
      observed.upstreamTags.map((tag) => tag.name),
      ["v6.7", "v6.8-rc1", "v6.8-rc2", "v6.8-rc3"],
    );
    for (const tag of observed.upstreamTags) {
      const date = world.upstream.tags.get(tag.name)!.date;
      assert.equal(tag.date.getTime(), parseGitTime(date).epoch * 1000, tag.name);
      assert.equal(tag.commit, world.upstream.tags.get(tag.name)!.commit);
      assert.equal(tag.annotated, true);
    }
    assert.equal(observed.newestUpstreamTag?.name, "v6.8-rc3");
    assert.equal(observed.upstreamTags[0]!.date.getTime(), parseGitTime(RELEASES[0]!.date).epoch * 1000);
    assert.equal(observed.upstreamHead, world.upstream.head);
  });

  it("finds next's base, how far behind it is, its own commits and which merges bring in others' history", async () => {
    const { next } = await world.layer().observe({ paths: ["security/selinux/"] });
    assert.ok(next);
    assert.equal(next.sha, world.sha("refs/heads/next"));
    assert.equal(next.base?.name, "v6.8-rc2", "the back-merged tag, not the branch point");
    assert.equal(next.behind, Number(git(world.upstream.dir, ["rev-list", "--count", "v6.8-rc2..v6.8-rc3"])));
    assert.equal(next.behind, 3);
    assert.equal(next.ownCommits, 5, "three patches and two merges");
    assert.deepEqual(
      next.merges.map((merge) => [merge.sha, merge.foreign]),
      [
        [backMerge, false],
        [topicMerge, true],
      ],
    );
    assert.deepEqual(
      next.foreignMerges.map((merge) => merge.subject),
      ["Merge branch 'topic'"],
    );
    assert.deepEqual(next.upstreamPathChanges, ["security/selinux/include/upstream.h"]);
  });

  it("reports stable branches with base and unsent fixes, and the tag family with targets", async () => {
    const observed = await world.layer().observe({ tagGlob: "*-pr-*" });
    const [stable] = observed.stableBranches;
    assert.equal(observed.stableBranches.length, 1);
    assert.equal(stable?.name, "stable-6.8");
    assert.equal(stable?.sha, stableFix);
    assert.equal(stable?.base?.name, "v6.8-rc1");
    assert.equal(stable?.unsentCommits, 1);
    assert.ok(stable?.oldestUnsentAt instanceof Date);
    const byName = new Map(observed.tags.map((tag) => [tag.name, tag]));
    assert.deepEqual([...byName.keys()].sort(), ["lightweight-pr-1", "selinux-pr-20240125"]);
    const annotated = byName.get("selinux-pr-20240125")!;
    assert.equal(annotated.annotated, true);
    assert.equal(annotated.object, world.sha("refs/tags/selinux-pr-20240125"));
    assert.equal(annotated.commit, world.sha("refs/tags/selinux-pr-20240125^{commit}"));
    const light = byName.get("lightweight-pr-1")!;
    assert.equal(light.annotated, false);
    assert.equal(light.object, light.commit);
  });

  it("finds the upstream merge that brought a tag's commit in, and says when upstream lacks a commit", async () => {
    const tagged = world.sha("refs/tags/selinux-pr-20240125^{commit}");
    const layer = world.layer();
    await layer.observe();
    assert.deepEqual(await layer.findUpstreamMerge(tagged), {
      commit: tagged,
      upstreamHead: world.upstream.head,
      reachable: false,
      mergeCommit: null,
      mergedAt: null,
      via: null,
    });
    const merged = mergeIntoUpstream(world.upstream, {
      from: world.origin,
      tag: "selinux-pr-20240125",
      url: "https://example.org/selinux",
      date: "2024-01-30 10:00:00 -0800",
    });
    await layer.observe();
    const facts = await layer.findUpstreamMerge(tagged);
    assert.equal(facts.reachable, true);
    assert.equal(facts.via, "merge");
    assert.equal(facts.mergeCommit, merged.head);
    assert.equal(facts.mergedAt?.getTime(), parseGitTime("2024-01-30 10:00:00 -0800").epoch * 1000);
    world.spawns.length = 0;
    assert.deepEqual(
      await layer.findUpstreamMerge(tagged, merged.head),
      facts,
      "given the head observe() saw: the same answer",
    );
    assert.equal(world.spawns.length, 1, "in one process");
    const rc1 = world.upstream.tags.get("v6.8-rc1")!.commit;
    assert.deepEqual(
      { ...(await layer.findUpstreamMerge(rc1)), upstreamHead: null },
      {
        commit: rc1,
        upstreamHead: null,
        reachable: true,
        mergeCommit: null,
        mergedAt: null,
        via: "first-parent",
      },
    );
    assert.equal((await layer.findUpstreamMerge(stableFix)).reachable, false);
  });

  it("reads a maintainer's own refs in the local view and writes only under refs/merge-window/", async () => {
    const before = git(world.maint, [
      "for-each-ref",
      "--format=%(refname) %(objectname)",
      "refs/heads",
      "refs/tags",
      "refs/remotes",
    ]);
    const observed = await createGitLayer({
      repoDir: world.maint,
      refs: "local",
      upstream: { kind: "url", url: world.upstream.dir },
    }).observe();
    assert.equal(observed.next?.sha, world.sha("refs/heads/next", world.maint));
    assert.deepEqual(
      observed.stableBranches.map((branch) => branch.name),
      ["stable-6.8"],
    );
    assert.equal(
      git(world.maint, [
        "for-each-ref",
        "--format=%(refname) %(objectname)",
        "refs/heads",
        "refs/tags",
        "refs/remotes",
      ]),
      before,
    );
  });

  it("refuses upstream locations git could read as options or other transports, before running git", () => {
    for (const url of [
      "--upload-pack=touch /tmp/x",
      "-u",
      "ext::sh -c id",
      "https://x y",
      "relative/path",
      "ssh://host/x",
      "https://a\nb",
    ]) {
      world.spawns.length = 0;
      assert.throws(() => world.layer({ upstream: { kind: "url", url } }), InputError, url);
      assert.equal(world.spawns.length, 0);
    }
    assert.throws(() => world.layer({ upstream: { kind: "remote", name: "-oops" } }), InputError);
    assert.throws(() => world.layer({ remote: "--mirror" }), InputError);
  });
});

describe("observe's cost", () => {
  it("spawns the same number of git processes for 3 tags and 30, 20 commits and 200", async () => {
    const counts: number[] = [];
    for (const scale of [1, 10]) {
      const releases = Array.from({ length: 3 * scale }, (_, i) => ({
        tag: i % 3 === 0 ? `v6.${Math.floor(i / 3) + 1}` : `v6.${Math.floor(i / 3) + 2}-rc${i % 3}`,
        date: new Date(Date.UTC(2024, 0, 1) + i * 7 * 86_400_000).toISOString().replace(/\.\d+Z$/, "Z"),
      }));
      const world = createWorld({ releases, nextBase: releases[1]!.tag, filler: 6 * scale });
      try {
        for (let i = 0; i < 2 * scale; i++)
          world.commit(`selinux: patch ${i}`, { [`security/selinux/p${i}.c`]: `int p${i};\n` });
        world.push("next");
        for (let i = 0; i < scale; i++) {
          git(world.maint, ["branch", `stable-6.${i + 1}`, "next"]);
          git(world.maint, [
            "tag",
            "-a",
            "-m",
            `selinux/stable-6.${i + 1} PR 2024010${(i % 9) + 1}`,
            `selinux-pr-2024010${(i % 9) + 1}-${i + 2}`,
            "next",
          ]);
        }
        git(world.maint, [
          "push",
          "-q",
          "origin",
          "refs/heads/*:refs/heads/*",
          "refs/tags/selinux-*:refs/tags/selinux-*",
        ]);
        world.spawns.length = 0;
        const observed = await world.layer().observe({ paths: ["security/selinux/"] });
        assert.equal(observed.upstreamTags.length, 3 * scale);
        assert.equal(observed.tags.length, scale);
        assert.equal(observed.stableBranches.length, scale);
        assert.equal(observed.next?.ownCommits, 2 * scale);
        counts.push(world.spawns.length);
      } finally {
        world.cleanup();
      }
    }
    assert.equal(counts[0], counts[1]);
    assert.ok(counts[0]! <= 8, `observe spawned ${counts[0]} git processes`);
  });
});
