// Every string a write sends to GitHub (bodies, titles, summaries, names) passes redactSecrets: a git error
// quoted in a comment never publishes the token in its URL.
import { redactSecrets } from "../../domain/markdown.ts";
import type { RouteCaller } from "./http.ts";
import type { Endpoints } from "@octokit/types";

function redactDeep(value: unknown): unknown {
  if (typeof value === "string") return redactSecrets(value);
  if (Array.isArray(value)) return value.map(redactDeep);
  if (value !== null && typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype)
    return Object.fromEntries(Object.entries(value).map(([key, field]) => [key, redactDeep(field)]));
  return value; // request options (signals, numbers) pass as they are
}

/** `call`, with the parameters of every non-GET route redacted (GET parameters are ours: names, numbers). */
export function createRedactingCaller<Routes extends keyof Endpoints>(call: RouteCaller<Routes>): RouteCaller<Routes> {
  return (route, params) => {
    if (route.startsWith("GET ")) return call(route, params);
    const { request, ...fields } = params as typeof params & { request?: unknown };
    return call(route, { ...(redactDeep(fields) as typeof params), ...(request === undefined ? {} : { request }) });
  };
}
