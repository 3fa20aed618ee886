// The maintainer's throwaway signing key in a replay, and what the app is given to check signatures with.
import { mkdirSync } from "node:fs";
import type { ScenarioSigning } from "./scenario-config.ts";
import { createGpgKey, createPublicKeyring, createSshKey, stopGpgAgent, type SigningKey } from "./scenario-keys.ts";
import type { Person } from "./scenario-time.ts";

export interface MaintainerSigning {
  /** What the maintainer signs with. */
  readonly key: SigningKey;
  /** What the repository's config says about it (GPG fingerprint, or an SSH allowed-signers entry). */
  readonly signing: ScenarioSigning;
  /** GPG: a keyring holding only the public key, for the app (`gnupgHome`) and the forge. */
  readonly appKeyring?: string;
  /** Stops the gpg agents (nothing for SSH). */
  close(): void;
}

/**
 * A GPG key created "before" every instant of the replay (gpg refuses signatures older than their key) and a
 * public-only keyring for the app; or an SSH key, which carries no time.
 */
export function createMaintainerSigning(dir: string, kind: "gpg" | "ssh", person: Person): MaintainerSigning {
  mkdirSync(dir, { recursive: true });
  if (kind === "ssh") {
    const ssh = createSshKey(dir, { comment: person.email });
    return { key: ssh, signing: { kind: "ssh", email: person.email, publicKey: ssh.publicKey }, close() {} };
  }
  const gpg = createGpgKey(dir, {
    name: person.name,
    email: person.email,
    createdAt: new Date("2023-06-01T00:00:00Z"),
  });
  const appKeyring = createPublicKeyring(dir, gpg);
  return {
    key: gpg,
    signing: { kind: "gpg", fingerprint: gpg.fingerprint },
    appKeyring,
    close() {
      stopGpgAgent(gpg);
      stopGpgAgent(appKeyring);
    },
  };
}
