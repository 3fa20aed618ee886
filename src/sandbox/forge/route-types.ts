// The type of the forge's route table: every key is a GitHub REST route, every handler returns its data type.
import type { paths } from "@octokit/openapi-types";
import type { Endpoints } from "@octokit/types";
import type { ForgeContext } from "./context.ts";
import type { Actor } from "./types.ts";

/** A GitHub REST route, `"METHOD /path/{param}"`, exactly as @octokit/types spells it. */
export type RouteKey = keyof Endpoints;

/** The response data GitHub documents for `K`. */
export type RouteData<K extends RouteKey> = Endpoints[K]["response"]["data"];

/** True when GitHub's OpenAPI description of `K` lists a 204 response (some routes answer 200 or 204). */
type DeclaresNoContent<K extends RouteKey> = K extends `${infer M} ${infer U}`
  ? U extends keyof paths
    ? Lowercase<M> extends keyof paths[U]
      ? paths[U][Lowercase<M>] extends { responses: infer R }
        ? 204 extends keyof R
          ? true
          : false
        : false
      : false
    : false
  : false;

type NoContent<K extends RouteKey> = [RouteData<K>] extends [never]
  ? { readonly status: 204 }
  : DeclaresNoContent<K> extends true
    ? { readonly status: 204 }
    : never;

type WithContent<K extends RouteKey> = [RouteData<K>] extends [never]
  ? never
  : { readonly status: 200 | 201; readonly data: RouteData<K>; readonly headers?: Readonly<Record<string, string>> };

/** What a handler answers: GitHub's data for the route (status 200/201), or 204 where GitHub sends no body. */
export type RouteResult<K extends RouteKey> = WithContent<K> | NoContent<K>;

export interface ForgeRequest {
  readonly method: string;
  /** The request's absolute URL (Link headers are built on it). */
  readonly url: string;
  /** Route parameters, percent-decoded (`{ref}` and `{path}` may contain `/`). */
  readonly params: Readonly<Record<string, string>>;
  readonly query: URLSearchParams;
  /** The parsed JSON body ({} when empty); handlers validate it. */
  readonly body: unknown;
  readonly actor: Actor;
}

export type RouteHandler<K extends RouteKey> = (ctx: ForgeContext, req: ForgeRequest) => Promise<RouteResult<K>>;

export interface RouteSpec<K extends RouteKey> {
  /** `app`: an app JWT is required (GitHub's /app/* routes); `token`: an installation or user token. */
  readonly auth: "app" | "token";
  readonly handle: RouteHandler<K>;
}

/** The shape of the table: any subset of GitHub's routes, each with the handler typed for that route. */
export type RouteTable = { readonly [K in RouteKey]?: RouteSpec<K> };
