// The forge's in-memory records (everything that is not git): accounts, installations, issues, checks, runs.
import type { GitRepo } from "./git-repo.ts";

/** A collaborator's role on a repository, as GitHub names them. */
export type Role = "admin" | "maintain" | "write" | "triage" | "read";

/** What `GET .../collaborators/{username}/permission` reports as `permission`. */
export type Permission = "admin" | "write" | "read" | "none";

export interface ForgeAccount {
  readonly login: string;
  readonly id: number;
  readonly type: "User" | "Organization" | "Bot";
  /** The personal token of a scripted user (basic-auth password for git, `token` for REST). */
  readonly token?: string;
}

export interface ForgeInstallation {
  readonly id: number;
  readonly account: ForgeAccount;
  /** `owner/name` of every repository the app is installed on. */
  readonly repos: Set<string>;
  readonly createdAt: string;
}

/** Who a request acts as: the app itself (JWT), one of its installations (token), or a scripted user. */
export type Actor =
  | { readonly kind: "app" }
  | { readonly kind: "installation"; readonly installation: ForgeInstallation; readonly repos: ReadonlySet<string> }
  | { readonly kind: "user"; readonly user: ForgeAccount };

export interface ForgeLabel {
  readonly id: number;
  name: string;
  color: string;
  description: string | null;
}

export interface ForgeComment {
  readonly id: number;
  readonly issueNumber: number;
  body: string;
  readonly user: ForgeAccount;
  readonly authorAssociation: AuthorAssociation;
  readonly createdAt: string;
  updatedAt: string;
}

export type AuthorAssociation = "OWNER" | "MEMBER" | "COLLABORATOR" | "CONTRIBUTOR" | "NONE";

/** The pull-request half of an issue record: head and base are real branches of the same repository. */
export interface ForgePull {
  readonly id: number;
  readonly head: string;
  readonly base: string;
  /** The head's tip, updated when the branch moves (that is what `synchronize` reports). */
  headSha: string;
  readonly draft: boolean;
}

export interface ForgeIssue {
  readonly id: number;
  readonly number: number;
  title: string;
  body: string | null;
  state: "open" | "closed";
  stateReason: "completed" | "not_planned" | "reopened" | null;
  readonly user: ForgeAccount;
  readonly authorAssociation: AuthorAssociation;
  /** Lower-cased label names, in the order they were added. */
  labels: string[];
  readonly comments: ForgeComment[];
  readonly createdAt: string;
  updatedAt: string;
  closedAt: string | null;
  closedBy: ForgeAccount | null;
  readonly pull?: ForgePull;
}

export type CheckStatus = "queued" | "in_progress" | "completed";
export type CheckConclusion =
  "success" | "failure" | "neutral" | "cancelled" | "skipped" | "timed_out" | "action_required";

export interface ForgeCheckRun {
  readonly id: number;
  readonly suiteId: number;
  name: string;
  readonly headSha: string;
  status: CheckStatus;
  conclusion: CheckConclusion | null;
  startedAt: string | null;
  completedAt: string | null;
  detailsUrl: string | null;
  externalId: string | null;
  output: { title: string | null; summary: string | null; text: string | null };
}

export type WorkflowConclusion = "success" | "failure" | "cancelled" | "skipped" | "timed_out" | "neutral";

export interface ForgeWorkflowRun {
  readonly id: number;
  readonly workflowId: number;
  /** The run's title (`display_title`): the workflow's `run-name` with its inputs, else its name. */
  readonly title: string;
  readonly path: string;
  readonly name: string;
  readonly runNumber: number;
  readonly headBranch: string;
  readonly headSha: string;
  readonly actor: ForgeAccount;
  readonly inputs: Readonly<Record<string, unknown>>;
  status: "queued" | "completed";
  conclusion: WorkflowConclusion | null;
  readonly createdAt: string;
  updatedAt: string;
}

export interface ForgeRepo {
  readonly id: number;
  readonly owner: ForgeAccount;
  readonly name: string;
  readonly fullName: string;
  readonly defaultBranch: string;
  readonly private: boolean;
  readonly createdAt: string;
  pushedAt: string;
  readonly git: GitRepo;
  readonly roles: Map<string, Role>;
  /** Issues and pull requests share one number sequence, as on GitHub. */
  readonly issues: Map<number, ForgeIssue>;
  /** Keyed by lower-cased name (GitHub label names are case-insensitive). */
  readonly labels: Map<string, ForgeLabel>;
  readonly checkRuns: ForgeCheckRun[];
  readonly workflowRuns: ForgeWorkflowRun[];
  /** Numeric workflow ids, allocated per `.github/workflows/<file>` when first seen. */
  readonly workflowIds: Map<string, number>;
}
