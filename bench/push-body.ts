// The signed push delivery the webhook benches send: `next` pushed to `repo` of the fleet's installation.
import type { Fleet } from "../tests/reliability/redis-world.ts";

export function pushBody(fleet: Fleet, repo: string): string {
  return JSON.stringify({
    ref: "refs/heads/next",
    before: "0".repeat(40),
    after: fleet.nextSha,
    repository: { name: repo, full_name: `subsys/${repo}`, owner: { login: "subsys" } },
    installation: { id: fleet.installationId },
    sender: { login: "paul", type: "User" },
  });
}
