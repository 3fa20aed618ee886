// The signed tag for the current stable branch: proposed to the maintainer as exact commands, or signed by the app.
import { deriveTagProposal } from "./queries.ts";
import type { EffectLedger, Situation } from "./situation.ts";

/**
 * Proposes (maintainer signs: the exact commands) or creates (app key) the next tag on the current
 * stable branch; returns the text for the maintainer.
 */
export function proposeTag(situation: Situation, ledger: EffectLedger, key: string): string {
  const proposal = deriveTagProposal(situation);
  if (!proposal) return "there is no current stable branch to tag yet.";
  const { name, message, branch, sha } = proposal;
  if (situation.settings.signing.mode === "app") {
    ledger.emit({ type: "create-tag", key: `create-tag:${key}`, name, message, sha });
    return `signing \`${name}\` on \`${branch}\` at ${sha.slice(0, 12)} with the app's key.`;
  }
  return renderTagCommands(name, message, branch, sha);
}

/** The exact commands a maintainer runs to sign and push the proposed tag. */
export function renderTagCommands(name: string, message: string, branch: string, sha: string): string {
  return [
    `proposed tag for \`${branch}\` (${sha.slice(0, 12)}): sign and push it with`,
    "```sh",
    ...buildTagCommandLines(name, message, branch, sha),
    "```",
    "merge-window checks it when it arrives and then writes the [GIT PULL] request.",
  ].join("\n");
}

/** `git fetch`, `git tag -s` and `git push` for the proposed tag, one shell command per line. */
export function buildTagCommandLines(name: string, message: string, branch: string, sha: string): string[] {
  return [
    `git fetch origin ${branch}`,
    `git tag -s -m ${shellQuote(message)} ${name} ${sha}`,
    `git push origin ${name}`,
  ];
}

/** POSIX single-quoting: the message template is free text from the config. */
function shellQuote(text: string): string {
  return /^[A-Za-z0-9._/:+-]+$/.test(text) ? text : `'${text.replaceAll("'", "'\\''")}'`;
}
