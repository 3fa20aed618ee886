// `--cache DIR`: a bare repository beside the clone that holds what the CLI fetches (upstream's tags and master),
// borrowing the clone's objects through objects/info/alternates, so that the clone itself gets no ref or object.
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import type { UpstreamSource } from "../adapters/git/index.ts";
import { createGitRunner, type GitRunner } from "../adapters/git/runner.ts";
import { InputError } from "../domain/errors.ts";
import { buildGitHooks, type CliIo } from "./io.ts";

/** An opened cache: where the git layer works, and the upstream source as the cache names it. */
export interface OpenedCache {
  readonly dir: string;
  readonly upstream: UpstreamSource;
}

/**
 * Opens (creating when absent or empty) the cache DIR for the clone, mirrors the clone's refs/heads and refs/tags
 * into it (no object is copied: the alternates hold them) and gives it the clone's upstream remote, if any.
 * Refuses a DIR that is a file, a non-empty directory that is no cache, or the cache of another clone.
 */
export async function openCache(
  option: string,
  repo: { readonly gitDir: string; readonly commonDir: string },
  clone: GitRunner,
  upstream: UpstreamSource,
  io: CliIo,
): Promise<OpenedCache> {
  const dir = resolve(io.cwd, option);
  const objects = join(repo.commonDir, "objects");
  if (resolve(dir) === resolve(repo.commonDir) || resolve(dir).startsWith(`${resolve(repo.commonDir)}/`))
    throw new InputError("bad-cache", `--cache ${dir}: must be outside the clone's git directory`);
  const alternates = join(dir, "objects", "info", "alternates");
  if (existsSync(dir) && !statSync(dir).isDirectory())
    throw new InputError("bad-cache", `--cache ${dir}: not a directory`);
  const fresh = !existsSync(dir) || readdirSync(dir).length === 0;
  if (fresh) mkdirSync(dir, { recursive: true });
  const cache = createGitRunner(dir, buildGitHooks(io));
  if (fresh) {
    await cache.run(["init", "--quiet", "--bare", "--end-of-options", dir]);
    writeFileSync(alternates, `${objects}\n`);
  } else if (!existsSync(alternates) || !existsSync(join(dir, "HEAD"))) {
    throw new InputError(
      "bad-cache",
      `--cache ${dir}: a non-empty directory that is no merge-window cache; give an empty or new directory`,
    );
  } else if (readFileSync(alternates, "utf8").trim() !== objects) {
    throw new InputError(
      "bad-cache",
      `--cache ${dir}: the cache of another clone (${readFileSync(alternates, "utf8").trim()}); give another directory`,
    );
  }
  await cache.run([
    "fetch",
    "--no-tags",
    "--prune",
    "--no-write-fetch-head",
    "--quiet",
    "--end-of-options",
    repo.gitDir,
    "+refs/heads/*:refs/heads/*",
    "+refs/tags/*:refs/tags/*",
  ]);
  if (upstream.kind === "url") return { dir, upstream };
  // The clone's remote, by name, with its URL as the clone's config says (url.*.insteadOf applies in both).
  const url = (await clone.run(["config", "--get", `remote.${upstream.name}.url`])).trim();
  const known = (await cache.tryRun(["config", "--get", `remote.${upstream.name}.url`]))?.trim();
  if (known !== url) await cache.run(["config", "--end-of-options", `remote.${upstream.name}.url`, url]);
  return { dir, upstream };
}
