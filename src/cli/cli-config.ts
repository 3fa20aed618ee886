// The CLI's configuration: --config FILE, else .github/merge-window.yml in the work tree, else built-in defaults.
// A simple file is read with YAML alone (src/config/light.ts); zod and the full schema load only for the others.
import { existsSync, readFileSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import type { GitRunner } from "../adapters/git/runner.ts";
import { buildDefaultConfig } from "../config/defaults.ts";
import type { Config } from "../config/load.ts";
import { DEFAULT_CONFIG_PATH } from "../config/nesting.ts";
import { InputError } from "../domain/errors.ts";
import { isValidSubsystem } from "../domain/names.ts";
import type { CliIo } from "./io.ts";
import type { RepoLocation } from "./locate.ts";

/** What loadCliConfig reads from the command line. */
export interface ConfigOptions {
  readonly config?: string;
  readonly subsystem?: string;
}

/**
 * --config FILE, else `.github/merge-window.yml` in the work tree, else the built-in defaults for the subsystem
 * named by --subsystem or inferred from the newest `*-pr-*` tag. A bad file is an InputError listing every problem.
 */
export async function loadCliConfig(
  options: ConfigOptions,
  repo: RepoLocation,
  runner: GitRunner,
  io: CliIo,
): Promise<{ config: Config; source: string }> {
  if (options.subsystem !== undefined && !isValidSubsystem(options.subsystem)) {
    throw new InputError(
      "bad-subsystem",
      `--subsystem ${JSON.stringify(options.subsystem)}: use lowercase a-z 0-9 words joined by . _ or -, e.g. selinux`,
    );
  }
  const inTree = repo.workTree ? join(repo.workTree, DEFAULT_CONFIG_PATH) : null;
  const file =
    options.config !== undefined ? resolve(io.cwd, options.config) : inTree && existsSync(inTree) ? inTree : null;
  if (file === null) {
    const subsystem = options.subsystem ?? (await inferSubsystem(runner));
    if (!subsystem) {
      throw new InputError(
        "no-config",
        `no configuration in ${repo.dir}: give --config FILE or --subsystem NAME, or ` +
          `add ${DEFAULT_CONFIG_PATH} (no *-pr-* tag to infer the subsystem from)`,
      );
    }
    return { config: buildDefaultConfig(subsystem), source: `built-in defaults for ${subsystem}` };
  }
  if (!existsSync(file) || !statSync(file).isFile())
    throw new InputError("missing-config", `--config ${file}: no such file`);
  const shown = file === inTree ? DEFAULT_CONFIG_PATH : file;
  const config = await readConfigFile(readFileSync(file, "utf8"), shown);
  if (options.subsystem !== undefined && options.subsystem !== config.subsystem) {
    throw new InputError(
      "subsystem-conflict",
      `--subsystem ${options.subsystem} contradicts ${shown}, which says subsystem: ${config.subsystem}`,
    );
  }
  return { config, source: shown };
}

/** `selinux-pr-20240312` → `selinux`: the subsystem of the newest tag (by tagger date) named `*-pr-*`. */
async function inferSubsystem(runner: GitRunner): Promise<string | null> {
  const newest = (
    await runner.run([
      "for-each-ref",
      "--sort=-creatordate",
      "--count=1",
      "--format=%(refname:strip=2)",
      "--end-of-options",
      "refs/tags/*-pr-*",
    ])
  ).trim();
  const subsystem = newest.slice(0, Math.max(0, newest.indexOf("-pr-")));
  return isValidSubsystem(subsystem) ? subsystem : null;
}

/** A simple file through YAML alone; any other through the full schema, which names every problem. */
async function readConfigFile(text: string, shown: string): Promise<Config> {
  const simple = (await import("../config/light.ts")).readSimpleConfig(text);
  if (simple) return simple;
  const { formatConfigErrors, parseConfig } = await import("../config/load.ts");
  const parsed = parseConfig(text, { file: shown });
  if (!parsed.ok) throw new InputError("bad-config", formatConfigErrors(parsed.errors));
  return parsed.config;
}
