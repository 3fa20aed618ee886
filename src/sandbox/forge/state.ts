// The forge's world: accounts and their tokens, installations, repositories, ids; lookups used by every route.
import { randomBytes } from "node:crypto";
import type {
  Actor,
  AuthorAssociation,
  ForgeAccount,
  ForgeInstallation,
  ForgeRepo,
  Permission,
  Role,
} from "./types.ts";
import { ForgeHttpError, notFound } from "./http.ts";

const JWT_CANNOT_ACT = "A JSON web token cannot act on a repository; use an installation access token";
/** Roles from weakest to strongest (admin ⊇ maintain ⊇ write ⊇ triage ⊇ read). */
export const ROLE_RANK: Readonly<Record<Role, number>> = { read: 1, triage: 2, write: 3, maintain: 4, admin: 5 };

/** What the app is: its id, slug and the bot account its installations act as. */
export interface ForgeApp {
  readonly id: number;
  readonly slug: string;
  readonly name: string;
  readonly bot: ForgeAccount;
  /** The account that registered the app (GitHub's `app.owner`). */
  readonly owner: ForgeAccount;
  readonly createdAt: string;
}

export interface ForgeState {
  readonly app: ForgeApp;
  readonly accounts: Map<string, ForgeAccount>;
  readonly repos: Map<string, ForgeRepo>;
  readonly installations: Map<number, ForgeInstallation>;
  /** Installation tokens: opaque strings → installation and the repositories the token may touch. */
  readonly installationTokens: Map<string, { installation: ForgeInstallation; repos: ReadonlySet<string> }>;
  /** Allocates ids from one counter per kind so ids of different kinds never look alike. */
  nextId(kind: IdKind): number;
}

export type IdKind =
  "account" | "repo" | "installation" | "issue" | "comment" | "label" | "pull" | "check" | "suite" | "workflow" | "run";

const ID_BASE: Record<IdKind, number> = {
  account: 1_000,
  repo: 50_000,
  installation: 70_000,
  issue: 100_000,
  comment: 200_000,
  label: 300_000,
  pull: 400_000,
  check: 500_000,
  suite: 600_000,
  workflow: 700_000,
  run: 800_000,
};

export function createForgeState(appId: number, slug: string, createdAt: string): ForgeState {
  const counters = new Map<IdKind, number>();
  const nextId = (kind: IdKind) => {
    const next = (counters.get(kind) ?? ID_BASE[kind]) + 1;
    counters.set(kind, next);
    return next;
  };
  const bot: ForgeAccount = { login: `${slug}[bot]`, id: nextId("account"), type: "Bot" };
  const owner: ForgeAccount = { login: `${slug}-developers`, id: nextId("account"), type: "Organization" };
  return {
    app: { id: appId, slug, name: slug, bot, owner, createdAt },
    accounts: new Map([
      [bot.login.toLowerCase(), bot],
      [owner.login.toLowerCase(), owner],
    ]),
    repos: new Map(),
    installations: new Map(),
    installationTokens: new Map(),
    nextId,
  };
}

export function createToken(prefix: "ghs" | "ghp"): string {
  return `${prefix}_${randomBytes(18).toString("base64url")}`;
}

export function repoKey(owner: string, name: string): string {
  return `${owner}/${name}`.toLowerCase();
}

/** The repository named by the route's `{owner}`/`{repo}`, or GitHub's 404. */
export function findRepo(state: ForgeState, owner: string | undefined, name: string | undefined): ForgeRepo {
  const repo = owner && name ? state.repos.get(repoKey(owner, name)) : undefined;
  if (!repo) throw notFound();
  return repo;
}

/** The account acting: the installation's bot or the user; the app itself (JWT) cannot act on repositories. */
export function accountOf(state: ForgeState, actor: Actor): ForgeAccount {
  if (actor.kind === "user") return actor.user;
  if (actor.kind === "installation") return state.app.bot;
  throw new ForgeHttpError(403, JWT_CANNOT_ACT);
}

/** The collaborator role of `login` (owners are admins); null when the user has no explicit access. */
function roleOf(repo: ForgeRepo, login: string): Role | null {
  if (repo.owner.login.toLowerCase() === login.toLowerCase()) return "admin";
  return repo.roles.get(login.toLowerCase()) ?? null;
}

/** `permission` as GitHub's collaborator-permission API reports it (maintain → write, triage → read). */
export function permissionOf(repo: ForgeRepo, login: string): { permission: Permission; roleName: Role | "none" } {
  const role = roleOf(repo, login);
  if (!role) return repo.private ? { permission: "none", roleName: "none" } : { permission: "read", roleName: "read" };
  const permission: Permission =
    role === "admin" ? "admin" : role === "maintain" || role === "write" ? "write" : "read";
  return { permission, roleName: role };
}

export function authorAssociationOf(repo: ForgeRepo, account: ForgeAccount): AuthorAssociation {
  if (account.type === "Bot") return "NONE";
  if (repo.owner.login.toLowerCase() === account.login.toLowerCase()) return "OWNER";
  return repo.roles.has(account.login.toLowerCase()) ? "COLLABORATOR" : "NONE";
}

/**
 * Throws GitHub's 403 unless `actor` may write at `minimum` level: an installation token must cover the
 * repository, a user needs the role (admin ⊇ maintain ⊇ write ⊇ triage ⊇ read).
 */
export function assertCanWrite(repo: ForgeRepo, actor: Actor, minimum: Role): void {
  if (actor.kind === "installation") {
    assertInstallationCovers(repo, actor);
    return;
  }
  if (actor.kind === "app") throw new ForgeHttpError(403, JWT_CANNOT_ACT);
  const role = roleOf(repo, actor.user.login);
  if (!role || ROLE_RANK[role] < ROLE_RANK[minimum]) {
    throw new ForgeHttpError(403, `Must have ${minimum} access to repository ${repo.fullName}`);
  }
}

/**
 * What opening an issue or pull request and commenting need: a user who can see the repository; an installation
 * token only on the repositories it covers (it may read other public repositories, never write to them).
 */
export function assertCanParticipate(repo: ForgeRepo, actor: Actor): void {
  assertCanRead(repo, actor);
  if (actor.kind === "installation") assertInstallationCovers(repo, actor);
}

/**
 * What editing an issue or comment needs: its author (a user) may; anyone else, and every installation
 * (the bot account is shared by all installations), needs `minimum` on the repository.
 */
export function assertCanEdit(repo: ForgeRepo, actor: Actor, author: ForgeAccount, minimum: Role): void {
  assertCanRead(repo, actor);
  if (actor.kind === "user" && actor.user.login.toLowerCase() === author.login.toLowerCase()) return;
  assertCanWrite(repo, actor, minimum);
}

function assertInstallationCovers(repo: ForgeRepo, actor: Extract<Actor, { kind: "installation" }>): void {
  if (!actor.repos.has(repoKey(repo.owner.login, repo.name)))
    throw new ForgeHttpError(403, "Resource not accessible by integration");
}

/** Throws 404 when the actor cannot see the repository at all (private and no access). */
export function assertCanRead(repo: ForgeRepo, actor: Actor): void {
  if (!repo.private) return;
  if (actor.kind === "installation" && actor.repos.has(repoKey(repo.owner.login, repo.name))) return;
  if (actor.kind === "user" && roleOf(repo, actor.user.login)) return;
  throw notFound();
}

/** The installation covering `repo`, if the app is installed on it (only then does GitHub send it webhooks). */
export function installationFor(state: ForgeState, repo: ForgeRepo): ForgeInstallation | undefined {
  const key = repoKey(repo.owner.login, repo.name);
  return [...state.installations.values()].find((installation) => installation.repos.has(key));
}
