// Trust as git sees it, for the CLI only: with no signing.allowedSigners, a good signature by a key the user's own
// keyring holds valid is accepted (as `git tag -v`), and every result names the signer.
import type { Config } from "../config/load.ts";
import { isKeyringTrusted, nameSigner, type SignatureFacts, type TagPolicy } from "../domain/tag-check.ts";
import { buildTagPolicy } from "../observe.ts";

/** The app's policy, plus keyring trust when no allowlist is configured (the app keeps requiring one). */
export function buildCliTagPolicy(config: Config): TagPolicy {
  return { ...buildTagPolicy(config), trustKeyring: config.signing.allowedSigners.length === 0 };
}

/** One line naming the signer and why it is accepted (or not). */
export function describeSigner(signature: SignatureFacts, config: Config): string {
  const who = nameSigner(signature);
  if (signature.status !== "good") return `signature by ${who}: ${signature.status}`;
  if (signature.format === "ssh") return `good signature by ${who}, listed in the allowed signers file`;
  if (config.signing.allowedSigners.length > 0) return `good signature by ${who}, one of signing.allowedSigners`;
  return isKeyringTrusted(signature)
    ? `good signature by ${who}, trusted by your keyring; set signing.allowedSigners to pin keys`
    : `good signature by ${who}, but your keyring does not hold the key valid (trust ${signature.trust ?? "unknown"})`;
}
