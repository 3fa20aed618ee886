// At start: ask GitHub who the app is (GET /app) and turn a refusal into one line an operator can act on.
import type { CredentialState } from "./health.ts";

interface AppClient {
  request(route: "GET /app"): Promise<{ data: { slug?: string } | null }>;
}

/** Verified with the app's slug, or refused with the reason in plain words (never throws). */
export async function verifyCredentials(auth: () => Promise<AppClient>): Promise<CredentialState> {
  try {
    const octokit = await auth();
    const { data } = await octokit.request("GET /app");
    return { status: "verified", slug: data?.slug ?? "merge-window" };
  } catch (error) {
    return { status: "refused", reason: describeRefusal(error) };
  }
}

export function describeRefusal(error: unknown): string {
  const status = (error as { status?: unknown }).status;
  const message = error instanceof Error ? error.message.split("\n")[0]! : String(error);
  if (status === 401)
    return `GitHub answered 401 to GET /app: APP_ID and PRIVATE_KEY do not belong together (${message})`;
  if (status === 404) return `GitHub answered 404 to GET /app: no app with this APP_ID (${message})`;
  if (typeof status === "number") return `GitHub answered ${status} to GET /app (${message})`;
  return `GET /app failed: ${message}`;
}

/** The one line logged at start. */
export function describeCredentials(state: CredentialState): string {
  if (state.status === "verified") return `merge-window: credentials verified, running as app "${state.slug}"`;
  if (state.status === "refused")
    return `merge-window: ${state.reason}; scheduled jobs wait until the credentials work (retried every 5 minutes)`;
  return "merge-window: credentials not verified yet";
}
