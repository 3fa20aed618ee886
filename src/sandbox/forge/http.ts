// HTTP plumbing shared by the forge's routes: GitHub-shaped errors, JSON bodies, pagination and Link headers.
import type { IncomingMessage, ServerResponse } from "node:http";

const DOCS_URL = "https://docs.github.com/rest";
const MAX_BODY_CHARACTERS = 65536;

/** A failure the forge answers with GitHub's JSON error shape (`message`, `documentation_url`, `status`). */
export class ForgeHttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly extra: Readonly<Record<string, unknown>> = {},
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
  }
}

export function notFound(message = "Not Found"): ForgeHttpError {
  return new ForgeHttpError(404, message);
}

/** GitHub's 422 for a field that fails validation (`errors: [{resource, field, code}]`). */
export function validationFailed(resource: string, field: string, code: string, message?: string): ForgeHttpError {
  const error: Record<string, string> = { resource, code, field };
  if (message !== undefined) error.message = message;
  return new ForgeHttpError(422, "Validation Failed", { errors: [error] });
}

/** 422 when a body exceeds GitHub's 65,536 characters (counted as code points, like GitHub's Ruby). */
export function assertBodyLength(
  resource: string,
  body: string | null | undefined,
  field = "body",
  max = MAX_BODY_CHARACTERS,
): void {
  if (body != null && [...body].length > max) {
    throw validationFailed(resource, field, "custom", `${field} is too long (maximum is ${max} characters)`);
  }
}

export function buildErrorBody(
  status: number,
  message: string,
  extra: Readonly<Record<string, unknown>> = {},
): Record<string, unknown> {
  return { message, ...extra, documentation_url: DOCS_URL, status: String(status) };
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Readonly<Record<string, string>> = {},
): void {
  const text = body === undefined ? "" : JSON.stringify(body);
  res.writeHead(status, {
    ...headers,
    ...(text ? { "content-type": "application/json; charset=utf-8", "content-length": Buffer.byteLength(text) } : {}),
  });
  res.end(text);
}

export async function readRequestBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** Parses a JSON request body; an empty body is `{}`; malformed JSON is GitHub's 400 "Problems parsing JSON". */
export function parseJsonBody(raw: Buffer): unknown {
  if (raw.length === 0) return {};
  try {
    return JSON.parse(raw.toString("utf8"));
  } catch {
    throw new ForgeHttpError(400, "Problems parsing JSON");
  }
}

export interface Page<T> {
  readonly items: T[];
  readonly headers: Record<string, string>;
}

/**
 * One page of `all` for `per_page` (default 30, at most `maxPerPage`) and `page` (from 1), with GitHub's
 * `Link` header (`next`, `last`, `first`, `prev`) built on the request's own URL.
 */
export function paginate<T>(all: readonly T[], query: URLSearchParams, selfUrl: string, maxPerPage = 100): Page<T> {
  const perPage = Math.min(Math.max(Number(query.get("per_page")) || 30, 1), maxPerPage);
  const page = Math.max(Math.trunc(Number(query.get("page"))) || 1, 1);
  const last = Math.max(Math.ceil(all.length / perPage), 1);
  const items = all.slice((page - 1) * perPage, page * perPage);
  const link = (n: number, rel: string) => {
    const url = new URL(selfUrl);
    url.searchParams.set("per_page", String(perPage));
    url.searchParams.set("page", String(n));
    return `<${url.toString()}>; rel="${rel}"`;
  };
  const links: string[] = [];
  if (page > 1) links.push(link(page - 1, "prev"));
  if (page < last) links.push(link(page + 1, "next"), link(last, "last"));
  if (page > 1) links.push(link(1, "first"));
  return { items, headers: links.length > 0 ? { link: links.join(", ") } : {} };
}

/** GitHub's timestamp format: ISO 8601 in UTC without milliseconds. */
export function formatTimestamp(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, "Z");
}
