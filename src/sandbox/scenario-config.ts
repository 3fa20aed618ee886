// The subsystem repository's `.github/merge-window.yml` in a replay, per process variant, and its default branch.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { stringify } from "yaml";
import { parseConfig } from "../config/load.ts";
import { InputError } from "../domain/errors.ts";
import type { VariantId } from "../domain/process.ts";

/** How the maintainer signs tags and how the app knows the key. */
export type ScenarioSigning =
  | { readonly kind: "gpg"; readonly fingerprint: string }
  | { readonly kind: "ssh"; readonly email: string; readonly publicKey: string };

const ALLOWED_SIGNERS_PATH = ".github/allowed_signers";
/** The example weekly test workflow shipped in config/workflows/, as an adopter copies it. */
const TESTS_WORKFLOW = "merge-window-tests.yml";

export function readExampleTestsWorkflow(): string {
  return readFileSync(fileURLToPath(new URL(`../../config/workflows/${TESTS_WORKFLOW}`, import.meta.url)), "utf8");
}

/**
 * The config of a replay: SELinux conventions, upstream the sandbox's linux, tags checked against the maintainer's
 * key, `git request-pull`'s exact text. Variants B and C copy the source branch to stable-X.Y on their own at window
 * open; A waits for `/merge-window create-stable`. C deletes tags that fail the check.
 */
/** What the replay's maintainer automates, per variant (the scenario's choice, not the process's). */
const SCENARIO_AUTOMATION: Readonly<
  Record<VariantId, { readonly createStable: "command" | "auto"; readonly deleteInvalidTags: boolean }>
> = {
  "rebase-at-window-open": { createStable: "command", deleteInvalidTags: false },
  "rebase-at-rc1": { createStable: "auto", deleteInvalidTags: false },
  "dev-model": { createStable: "auto", deleteInvalidTags: true },
  "stable-before-window": { createStable: "auto", deleteInvalidTags: false },
};

export function buildScenarioConfig(
  variant: VariantId,
  upstreamUrl: string,
  signing: ScenarioSigning,
  options: { readonly testsWorkflow?: boolean } = {},
): Record<string, unknown> {
  return {
    ...(options.testsWorkflow ? { tests: { workflow: TESTS_WORKFLOW, weekday: "monday" } } : {}),
    subsystem: "selinux",
    variant,
    timeZone: "UTC",
    signing:
      signing.kind === "gpg"
        ? { mode: "maintainer", allowedSigners: [signing.fingerprint] }
        : { mode: "maintainer", allowedSignersFile: ALLOWED_SIGNERS_PATH },
    upstream: { url: upstreamUrl, branch: "master", subsystemPaths: ["security/selinux/"] },
    pullRequest: {
      style: "git",
      signoff: "-Paul",
      cc: ["selinux@vger.kernel.org", "linux-security-module@vger.kernel.org", "linux-kernel@vger.kernel.org"],
    },
    automation: {
      createStable: SCENARIO_AUTOMATION[variant].createStable,
      rebase: "command",
      deleteInvalidTags: SCENARIO_AUTOMATION[variant].deleteInvalidTags,
    },
  };
}

/** The files of the default branch: a README, the config and (SSH signing) the allowed signers. */
export function buildDefaultBranchFiles(
  config: Record<string, unknown>,
  signing: ScenarioSigning,
): Record<string, string> {
  const yaml = `# merge-window configuration of the sandbox replay\n${stringify(config)}`;
  const parsed = parseConfig(yaml, { file: ".github/merge-window.yml" });
  if (!parsed.ok)
    throw new InputError(
      "bad-config",
      `replay config is invalid: ${parsed.errors.map((e) => `${e.key}: ${e.message}`).join("; ")}`,
    );
  const files: Record<string, string> = {
    "README.md":
      "# SELinux kernel tree\n\n`next` collects patches for the next merge window; `stable-X.Y` is what is " +
      "sent to Linus.\n",
    ".github/merge-window.yml": yaml,
  };
  const tests = (config.tests as { workflow?: string } | undefined)?.workflow;
  if (tests) files[`.github/workflows/${tests}`] = readExampleTestsWorkflow();
  if (signing.kind === "ssh") files[ALLOWED_SIGNERS_PATH] = `${signing.email} namespaces="git" ${signing.publicKey}\n`;
  return files;
}
