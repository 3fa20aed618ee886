// What the CLI's local actions share: reading refs of the clone and of the push remote, showing the plan with its
// exact git commands, and asking before any push (unless --yes; --dry-run stops after the plan).
import { lsRemote } from "../adapters/git/ls-remote.ts";
import type { RemoteRef } from "../domain/push-check.ts";
import type { CommandArgs } from "./args.ts";
import { buildGitHooks, CliFailure, type CliIo } from "./io.ts";
import type { Session } from "./session.ts";

/** Renders argv as a shell line a maintainer can paste (single quotes where needed). */
export function shellLine(argv: readonly string[]): string {
  return ["git", ...argv]
    .map((word) => (/^[A-Za-z0-9._/:=@%+,^-]+$/.test(word) ? word : `'${word.replaceAll("'", "'\\''")}'`))
    .join(" ");
}

/** The push remote's refs (one bounded ls-remote); CliFailure when it cannot be read. */
export async function readPushRemote(session: Session, io: CliIo, remote: string): Promise<RemoteRef[]> {
  const listed = await lsRemote(session.repo.dir, remote, buildGitHooks(io));
  if (!listed.ok) throw new CliFailure(`cannot read the push remote: ${listed.error}`);
  return listed.refs;
}

/** The SHA of `ref` (full name) on the remote, or null. */
export function remoteSha(refs: readonly RemoteRef[], ref: string): string | null {
  return refs.find((entry) => entry.ref === ref && !entry.peeled)?.sha ?? null;
}

/** The SHA of a local ref, or null. */
export async function localSha(session: Session, ref: string): Promise<string | null> {
  const out = await session.runner.tryRun(["rev-parse", "--verify", "--quiet", "--end-of-options", ref]);
  return out?.trim() || null;
}

/**
 * Prints the plan (steps, then the git commands) and decides: "dry-run" (stop, exit 0), "go" (--yes, or the user
 * said yes), or throws CliFailure when the user declined or could not be asked.
 */
export async function confirmPlan(
  args: CommandArgs,
  io: CliIo,
  steps: readonly string[],
  commands: readonly (readonly string[])[],
): Promise<"dry-run" | "go"> {
  const dryRun = args.values["dry-run"] === true;
  const out = args.values.json ? io.stderr : io.stdout;
  out(
    [
      dryRun ? "plan (dry run, nothing is changed):" : "plan:",
      ...steps.map((step) => `  ${step}`),
      "git commands:",
      ...commands.map((argv) => `  ${shellLine(argv)}`),
      "",
    ].join("\n"),
  );
  if (dryRun) return "dry-run";
  if (args.values.yes) return "go";
  if (await io.confirm!("push?")) return "go";
  throw new CliFailure("nothing pushed: not confirmed (answer y on a terminal, or give --yes)");
}
