// Who is calling: app JWTs (RS256 against the app's key), installation tokens, user tokens, git basic auth.
import { verify } from "node:crypto";
import type { ForgeContext } from "./context.ts";
import { ForgeHttpError } from "./http.ts";
import type { Actor } from "./types.ts";

const JWT_UNDECODABLE = "A JSON web token could not be decoded";
/** GitHub's messages, word for word: @octokit/auth-app matches them to correct clock skew from the Date header. */
const EXP_PAST =
  "'Expiration time' claim ('exp') must be a numeric value representing the future time at which the assertion expires";
const EXP_TOO_FAR = "'Expiration time' claim ('exp') is too far in the future";
const IAT_BAD = "'Issued at' claim ('iat') must be an Integer representing the time that the assertion was issued";

/**
 * The actor behind an `Authorization` header (`token X`, `bearer X`, `Basic …`); null when there is none.
 * Unknown or malformed credentials are GitHub's 401 "Bad credentials".
 */
export function authenticateHeader(ctx: ForgeContext, header: string | undefined): Actor | null {
  if (!header) return null;
  const [scheme = "", value = ""] = header.trim().split(/\s+/, 2);
  const kind = scheme.toLowerCase();
  if (kind === "basic") return authenticateBasic(ctx, value);
  if (kind !== "token" && kind !== "bearer") throw badCredentials();
  if (value.split(".").length === 3) return verifyAppJwt(ctx, value);
  return authenticateToken(ctx, value);
}

/** Basic auth (`base64(user:password)`, git's way): `x-access-token:<installation token>` or `<login>:<user token>`. */
export function authenticateBasic(ctx: ForgeContext, encoded: string): Actor {
  const decoded = Buffer.from(encoded, "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  const [username, password] = colon < 0 ? ["", decoded] : [decoded.slice(0, colon), decoded.slice(colon + 1)];
  const installation = ctx.state.installationTokens.get(password);
  if (installation) return { kind: "installation", ...installation };
  const user = ctx.state.accounts.get(username.toLowerCase());
  if (user?.token !== undefined && user.token === password) return { kind: "user", user };
  throw badCredentials();
}

function authenticateToken(ctx: ForgeContext, token: string): Actor {
  const installation = ctx.state.installationTokens.get(token);
  if (installation) return { kind: "installation", ...installation };
  for (const user of ctx.state.accounts.values()) {
    if (user.token !== undefined && user.token === token) return { kind: "user", user };
  }
  throw badCredentials();
}

function badCredentials(): ForgeHttpError {
  return new ForgeHttpError(401, "Bad credentials");
}

/** Verifies an app JWT: RS256 by the app's key, `iss` the app id, `iat`/`exp` sane against the forge clock. */
function verifyAppJwt(ctx: ForgeContext, jwt: string): Actor {
  const [head = "", body = "", signature = ""] = jwt.split(".");
  const header = decodeJson(head);
  const claims = decodeJson(body);
  if (header?.alg !== "RS256" || !claims) throw new ForgeHttpError(401, JWT_UNDECODABLE);
  const signed = verify(
    "RSA-SHA256",
    Buffer.from(`${head}.${body}`),
    ctx.appPublicKey,
    Buffer.from(signature, "base64url"),
  );
  if (!signed) throw new ForgeHttpError(401, JWT_UNDECODABLE);
  if (String(claims.iss) !== String(ctx.state.app.id)) {
    throw new ForgeHttpError(401, `'Issuer' claim ('iss') must be an Integer`);
  }
  const now = Math.floor(ctx.clock().getTime() / 1000);
  const { iat, exp } = claims;
  if (typeof iat !== "number" || !Number.isInteger(iat) || iat > now + 60) throw new ForgeHttpError(401, IAT_BAD);
  if (typeof exp !== "number" || exp <= now) throw new ForgeHttpError(401, EXP_PAST);
  if (exp - iat > 600 || exp > now + 660) throw new ForgeHttpError(401, EXP_TOO_FAR);
  return { kind: "app" };
}

function decodeJson(part: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(Buffer.from(part, "base64url").toString("utf8"));
    return value && typeof value === "object" ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}
