// The sandbox's "linux": a bare repository whose master Linus moves on the replay's clock: filler commits,
// `Linux X.Y[-rcN]` commits tagged at the release table's instants, and merges of subsystem pull requests.
import { LINUS, UPSTREAM_AUTHORS } from "./scenario-people.ts";
import { assertFullRef, openScriptedRepo, type FileEdits, type ScriptedRepo } from "./scenario-git.ts";
import type { ReleaseTag } from "./scenario-releases.ts";
import { addSeconds, parseGitTime, type GitTime } from "./scenario-time.ts";
import { renderMakefile, renderSourceFile, UPSTREAM_FILES } from "./scenario-tree.ts";

/** Upstream's own change under security/selinux/ in every cycle: rebase advice counts it (and it never conflicts). */
const SUBSYSTEM_FILE = "security/selinux/include/upstream.h";

export interface Upstream {
  readonly dir: string;
  /** `file://localhost/<dir>`: the config's `upstream.url` (the URL check wants a host part after `//`). */
  readonly url: string;
  readonly repo: ScriptedRepo;
  /** master's commit. */
  head(): Promise<string>;
  /** Filler commits since the last release, then `Linux X.Y` at `release.date`, tagged by Linus at that instant. */
  release(release: ReleaseTag, options?: { filler?: number }): Promise<{ commit: string; tag: string }>;
  /** Linus pulls `tag` from `fromUrl` (the forge) and merges it into master at `at`; returns the merge commit. */
  merge(input: { fromUrl: string; tag: string; at: GitTime; publicUrl: string; summary: string }): Promise<string>;
}

/** `file://localhost/abs/path`: git reads it like `file:///abs/path`, which merge-window's URL allowlist refuses. */
function toFileUrl(path: string): string {
  return `file://localhost${path}`;
}

/** Creates the upstream at `dir` with a first commit (a small kernel tree) `startDaysBefore` days before `first`. */
export async function createUpstream(dir: string, first: ReleaseTag, startDaysBefore = 60): Promise<Upstream> {
  const repo = await openScriptedRepo(dir, { init: "bare", initialBranch: "master" });
  const files: Record<string, string> = Object.fromEntries(
    UPSTREAM_FILES.map((path) => [path, renderSourceFile(path)]),
  );
  files.Makefile = renderMakefile("v2.6.12-rc2");
  let last = addSeconds(parseGitTime(first.date), -startDaysBefore * 86400);
  let count = 0;
  const initial = await repo.commit({ parents: [], files, author: LINUS, at: last, message: "Linux-2.6.12-rc2" });
  await repo.setRef("refs/heads/master", initial);

  const head = async () => (await repo.resolve("refs/heads/master"))!;
  /** Commits on top of `parent` (master unless given); master is moved once per release, not per commit. */
  const advance = async (parent: string, edits: FileEdits, at: GitTime, message: string, author = LINUS) =>
    repo.commit({ parents: [parent], files: edits, author, committer: LINUS, at, message });

  return {
    dir,
    url: toFileUrl(dir),
    repo,
    head,
    async release(release, options = {}) {
      const at = parseGitTime(release.date);
      const filler = options.filler ?? 3;
      const step = Math.max(1, Math.floor((at.epoch - last.epoch) / (filler + 1)));
      const before = await head();
      let tip = before;
      for (let i = 1; i <= filler; i++) {
        const k = count++;
        const author = UPSTREAM_AUTHORS[k % UPSTREAM_AUTHORS.length]!;
        const touchesUs = i === filler;
        const path = touchesUs ? SUBSYSTEM_FILE : `drivers/d${k % 8}/f${k % 5}.c`;
        const subject = touchesUs
          ? `lsm: upstream change ${k} seen by security modules`
          : `drivers: filler change ${k}`;
        tip = await advance(
          tip,
          { [path]: `/* ${subject} */\n` },
          { epoch: last.epoch + i * step, tz: at.tz },
          `${subject}\n\nSigned-off-by: ${author.name} <${author.email}>`,
          author,
        );
      }
      const commit = await advance(tip, { Makefile: renderMakefile(release.tag) }, at, `Linux ${release.tag.slice(1)}`);
      await repo.setRef("refs/heads/master", commit, before);
      await repo.tag({
        name: release.tag,
        target: commit,
        tagger: LINUS,
        at,
        message: `Linux ${release.tag.slice(1)}`,
      });
      last = at;
      return { commit, tag: release.tag };
    },
    async merge(input) {
      const local = assertFullRef(`refs/tags/${input.tag}`);
      await repo.git.run(["fetch", "--quiet", "--no-tags", "--end-of-options", input.fromUrl, `${local}:${local}`]);
      const theirs = (await repo.resolve(local))!;
      const ours = await head();
      const tree = await repo.mergeTree(ours, theirs);
      const message = `Merge tag '${input.tag}' of ${input.publicUrl}\n\nPull ${input.summary}`;
      const commit = await repo.commit({
        parents: [ours, theirs],
        files: {},
        tree,
        author: LINUS,
        at: input.at,
        message,
      });
      await repo.setRef("refs/heads/master", commit, ours);
      if (input.at.epoch > last.epoch) last = input.at;
      return commit;
    },
  };
}
