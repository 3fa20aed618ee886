// Acceptance: on generated kernel-like repos, the body we render equals `git request-pull` stdout byte for byte.
//
// This machine's git is 2.39.5: its request-pull cuts only `-----BEGIN PGP ` signatures (SSH and X.509 filtering
// came in 2.40), so for an SSH-signed tag git 2.39 leaks the signature into the mail. For that case we compare
// with git's output minus the leaked block, and check that our body never contains an SSH signature.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildGitEnv } from "../../../src/adapters/git/runner.ts";
import { createRequestPullSource } from "../../../src/adapters/git/request-pull-source.ts";
import { InputError } from "../../../src/domain/errors.ts";
import { parseRequestPull, renderRequestPull } from "../../../src/domain/request-pull.ts";
import {
  buildKernelScenario,
  buildSubsystem,
  MICKAEL,
  ONDREJ,
  type KernelScenario,
  type SubsystemRepo,
} from "../../fixtures/kernel-repo.ts";

const SSH_SIGNATURE = /-----BEGIN SSH SIGNATURE-----\n[\s\S]*?-----END SSH SIGNATURE-----\n/;

/** `git request-pull` as a maintainer runs it: not on a terminal, no COLUMNS, English messages. */
function gitRequestPull(dir: string, base: string, url: string, tag: string): string {
  const env = buildGitEnv({ LC_ALL: "C" });
  delete env.COLUMNS;
  const result = spawnSync("git", ["request-pull", base, url, `tags/${tag}`], { cwd: dir, env, encoding: "utf8" });
  assert.equal(result.status, 0, result.stderr);
  assert.doesNotMatch(result.stderr, /warn:/);
  return result.stdout;
}

describe("request-pull body from a local repository", () => {
  let dir: string;
  let scenario: KernelScenario;
  let extra: SubsystemRepo;

  async function ours(repo: string, base: string, tag: string, url = repo): Promise<string> {
    return renderRequestPull(await createRequestPullSource(repo).collect({ base, tag, url }), "git");
  }

  before(() => {
    dir = mkdtempSync(join(tmpdir(), "mw-request-pull-"));
    scenario = buildKernelScenario(dir, { badTags: true });
    extra = buildSubsystem(join(dir, "landlock"), {
      upstream: scenario.upstream,
      maintainer: MICKAEL,
      steps: [
        { kind: "branch", name: "next", from: "v6.9-rc1" },
        {
          kind: "patches",
          branch: "next",
          patches: [
            {
              subject: "landlock: Fix asymmetric private inodes référence handling",
              date: "2024-03-26 18:23:53 +0100",
            },
            {
              subject: "landlock: Rewrite the access table",
              author: ONDREJ,
              date: "2024-03-27 09:00:00 +0100",
              files: [
                {
                  path: "security/landlock/fs.c",
                  content: Array.from({ length: 300 }, (_, i) => `line ${i}\n`).join(""),
                },
              ],
            },
          ],
        },
        {
          kind: "tag",
          name: "landlock-6.9-rc2",
          at: "next",
          date: "2024-03-28 10:00:00 +0100",
          message: "Landlock fix for v6.9-rc2\n\nA second paragraph,\n\n  indented, with a trailing blank line.\n\n",
        },
      ],
    });
  });
  after(() => {
    scenario.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("merge-window tag (GPG-signed; a merge, a rename, a binary file, a >80-column path, non-ASCII)", async () => {
    const repo = scenario.subsystem.dir;
    const expected = gitRequestPull(repo, "v6.8-rc1", repo, scenario.mergeWindowTag);
    assert.match(expected, /Bin 0 -> 512 bytes/);
    assert.match(expected, /\{symtab\.c => symbols\.c\}/);
    assert.match(expected, /^ \.\.\.\/table_entries\.h /m);
    assert.match(expected, /^Mickaël Salaün \(1\):$/m);
    assert.match(expected, /^      Merge branch 'vfs-topic' into next$/m);
    const body = await ours(repo, "v6.8-rc1", scenario.mergeWindowTag);
    assert.equal(body, expected);
    assert.doesNotMatch(body, /BEGIN PGP/);
  });

  it("fixes tag based on the previous PR tag (SSH-signed: git 2.39 leaks the signature, we do not)", async () => {
    const repo = scenario.subsystem.dir;
    const leaked = gitRequestPull(repo, scenario.mergeWindowTag, repo, scenario.fixesTag);
    assert.match(leaked, SSH_SIGNATURE, "git 2.39 is expected to leak SSH signatures; on git >= 2.40 compare directly");
    const body = await ours(repo, scenario.mergeWindowTag, scenario.fixesTag);
    assert.equal(body, leaked.replace(SSH_SIGNATURE, ""));
    assert.doesNotMatch(body, /-----BEGIN SSH SIGNATURE-----/);
    assert.match(body, /^selinux\/stable-6\.9 PR 20240327\n\n-{64}\nOndrej Mosnáček \(1\):\n/m);
  });

  it("base given as a full commit id, unsigned annotated and lightweight tags", async () => {
    const repo = scenario.subsystem.dir;
    const baseId = scenario.subsystem.tags.get("v6.8-rc1")!.commit;
    for (const tag of ["selinux-pr-20240328", "selinux-pr-20240329"]) {
      assert.equal(await ours(repo, baseId, tag), gitRequestPull(repo, baseId, repo, tag), tag);
    }
    assert.doesNotMatch(await ours(repo, baseId, "selinux-pr-20240329"), /^-{64}\n-{64}$/m);
  });

  it("a base that is not an ancestor: the header shows the merge-base, the diffstat starts there", async () => {
    const repo = scenario.subsystem.dir;
    const expected = gitRequestPull(repo, "v6.9-rc1", repo, scenario.mergeWindowTag);
    assert.match(expected, /^ {2}Linux 6\.8-rc3 \(/m);
    assert.equal(await ours(repo, "v6.9-rc1", scenario.mergeWindowTag), expected);
  });

  it("multi-paragraph tag message, non-ASCII subject and a scaled diffstat graph", async () => {
    const expected = gitRequestPull(extra.dir, "v6.9-rc1", extra.dir, "landlock-6.9-rc2");
    assert.match(expected, /A second paragraph,\n\n {2}indented/);
    assert.match(expected, / 300 \+{20,}/);
    const body = await ours(extra.dir, "v6.9-rc1", "landlock-6.9-rc2");
    assert.equal(body, expected);
    assert.equal(renderRequestPull(parseRequestPull(body), "git"), body);
  });

  it("refuses unsafe or unknown names and a bad URL, naming them", async () => {
    const source = createRequestPullSource(scenario.subsystem.dir);
    const refused = async (
      request: { base: string; tag: string; url: string },
      code: string,
      text: RegExp,
    ): Promise<void> => {
      await assert.rejects(
        source.collect(request),
        (error: unknown) => error instanceof InputError && error.code === code && text.test(error.message),
      );
    };
    await refused({ base: "v6.8-rc1", tag: "--upload-pack=touch x", url: "u" }, "leading-dash", /tag name refused/);
    await refused(
      { base: "v6.8-rc1..HEAD", tag: scenario.mergeWindowTag, url: "u" },
      "bad-ref-format",
      /base name refused/,
    );
    await refused({ base: "v6.8-rc1", tag: "selinux-pr-20990101", url: "u" }, "unknown-tag", /selinux-pr-20990101/);
    await refused({ base: "v1.0", tag: scenario.mergeWindowTag, url: "u" }, "unknown-base", /base v1\.0/);
    await refused({ base: "0".repeat(40), tag: scenario.mergeWindowTag, url: "u" }, "unknown-base", /0{40}/);
    await refused({ base: "v6.8-rc1", tag: scenario.mergeWindowTag, url: "https://x y" }, "bad-url", /white space/);
  });

  it("never hands git a name before --end-of-options", async () => {
    const spawned: string[][] = [];
    const source = createRequestPullSource(scenario.subsystem.dir, { onSpawn: (argv) => spawned.push([...argv]) });
    await source.collect({ base: "v6.8-rc1", tag: scenario.mergeWindowTag, url: "u" });
    assert.equal(spawned.length, 6);
    for (const argv of spawned) {
      const cut = argv.indexOf("--end-of-options");
      assert.ok(cut > 0, argv.join(" "));
      assert.ok(
        !argv.slice(0, cut).some((arg) => arg.includes(scenario.mergeWindowTag) || arg.includes("v6.8-rc1")),
        argv.join(" "),
      );
    }
  });
});
