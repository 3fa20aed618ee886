// GitHub's JSON for accounts, repositories, installations and labels, typed by @octokit/openapi-types.
import type { components } from "@octokit/openapi-types";
import type { ForgeApp } from "./state.ts";
import type { ForgeAccount, ForgeInstallation, ForgeLabel, ForgeRepo } from "./types.ts";

type Schema<K extends keyof components["schemas"]> = components["schemas"][K];

/** The URLs a shape needs: the REST base (`api`) and the web base (`html`), both the forge's own address. */
export interface Urls {
  readonly api: string;
  readonly html: string;
}

export function buildNodeId(kind: string, id: number): string {
  return Buffer.from(`0:${kind}${id}`).toString("base64").replace(/=+$/, "");
}

/** A `simple-user` (also what GitHub embeds as `user`, `sender`, `owner`). */
export function buildUser(urls: Urls, account: ForgeAccount): Schema<"simple-user"> & { id: number } {
  const api = `${urls.api}/users/${encodeURIComponent(account.login)}`;
  return {
    login: account.login,
    id: account.id,
    node_id: buildNodeId(account.type, account.id),
    avatar_url: `${urls.html}/avatars/u/${account.id}?v=4`,
    gravatar_id: "",
    url: api,
    html_url:
      account.type === "Bot"
        ? `${urls.html}/apps/${account.login.replace(/\[bot\]$/, "")}`
        : `${urls.html}/${account.login}`,
    followers_url: `${api}/followers`,
    following_url: `${api}/following{/other_user}`,
    gists_url: `${api}/gists{/gist_id}`,
    starred_url: `${api}/starred{/owner}{/repo}`,
    subscriptions_url: `${api}/subscriptions`,
    organizations_url: `${api}/orgs`,
    repos_url: `${api}/repos`,
    events_url: `${api}/events{/privacy}`,
    received_events_url: `${api}/received_events`,
    type: account.type,
    user_view_type: "public",
    site_admin: false,
  };
}

/** `full-repository`, which is also a valid `repository` for lists and webhook payloads. */
export function buildRepository(
  urls: Urls,
  repo: ForgeRepo,
  openIssues: number,
): Schema<"full-repository"> & Schema<"repository"> & { id: number } {
  const api = `${urls.api}/repos/${repo.fullName}`;
  const html = `${urls.html}/${repo.fullName}`;
  return {
    id: repo.id,
    node_id: buildNodeId("Repository", repo.id),
    name: repo.name,
    full_name: repo.fullName,
    owner: buildUser(urls, repo.owner),
    private: repo.private,
    visibility: repo.private ? "private" : "public",
    html_url: html,
    description: null,
    fork: false,
    url: api,
    archive_url: `${api}/{archive_format}{/ref}`,
    assignees_url: `${api}/assignees{/user}`,
    blobs_url: `${api}/git/blobs{/sha}`,
    branches_url: `${api}/branches{/branch}`,
    collaborators_url: `${api}/collaborators{/collaborator}`,
    comments_url: `${api}/comments{/number}`,
    commits_url: `${api}/commits{/sha}`,
    compare_url: `${api}/compare/{base}...{head}`,
    contents_url: `${api}/contents/{+path}`,
    contributors_url: `${api}/contributors`,
    deployments_url: `${api}/deployments`,
    downloads_url: `${api}/downloads`,
    events_url: `${api}/events`,
    forks_url: `${api}/forks`,
    git_commits_url: `${api}/git/commits{/sha}`,
    git_refs_url: `${api}/git/refs{/sha}`,
    git_tags_url: `${api}/git/tags{/sha}`,
    git_url: `${html.replace(/^https?:/, "git:")}.git`,
    issue_comment_url: `${api}/issues/comments{/number}`,
    issue_events_url: `${api}/issues/events{/number}`,
    issues_url: `${api}/issues{/number}`,
    keys_url: `${api}/keys{/key_id}`,
    labels_url: `${api}/labels{/name}`,
    languages_url: `${api}/languages`,
    merges_url: `${api}/merges`,
    milestones_url: `${api}/milestones{/number}`,
    notifications_url: `${api}/notifications{?since,all,participating}`,
    pulls_url: `${api}/pulls{/number}`,
    releases_url: `${api}/releases{/id}`,
    ssh_url: `git@${new URL(urls.html).host}:${repo.fullName}.git`,
    stargazers_url: `${api}/stargazers`,
    statuses_url: `${api}/statuses/{sha}`,
    subscribers_url: `${api}/subscribers`,
    subscription_url: `${api}/subscription`,
    tags_url: `${api}/tags`,
    teams_url: `${api}/teams`,
    trees_url: `${api}/git/trees{/sha}`,
    clone_url: `${html}.git`,
    mirror_url: null,
    hooks_url: `${api}/hooks`,
    svn_url: html,
    homepage: null,
    language: null,
    forks: 0,
    forks_count: 0,
    stargazers_count: 0,
    watchers_count: 0,
    watchers: 0,
    size: 0,
    default_branch: repo.defaultBranch,
    open_issues: openIssues,
    open_issues_count: openIssues,
    is_template: false,
    topics: [],
    has_issues: true,
    has_projects: false,
    has_wiki: false,
    has_pages: false,
    has_downloads: true,
    has_discussions: false,
    archived: false,
    disabled: false,
    license: null,
    pushed_at: repo.pushedAt,
    created_at: repo.createdAt,
    updated_at: repo.pushedAt,
    allow_rebase_merge: true,
    allow_squash_merge: true,
    allow_merge_commit: true,
    allow_auto_merge: false,
    delete_branch_on_merge: false,
    network_count: 0,
    subscribers_count: 0,
  };
}

/** The permissions every installation of the sandbox app has (what merge-window asks for). */
export const APP_PERMISSIONS = {
  actions: "write",
  checks: "write",
  contents: "write",
  issues: "write",
  metadata: "read",
  pull_requests: "write",
} as const satisfies Schema<"app-permissions">;

const APP_EVENTS = ["check_run", "create", "delete", "issue_comment", "issues", "pull_request", "push", "workflow_run"];

/** The app as GitHub embeds it (`app` of a check run): owned by the account that registered it. */
export function buildIntegration(urls: Urls, app: ForgeApp): NonNullable<Schema<"nullable-integration">> {
  return {
    id: app.id,
    slug: app.slug,
    node_id: buildNodeId("Integration", app.id),
    client_id: `Iv1.${app.id.toString(16).padStart(16, "0")}`,
    owner: buildUser(urls, app.owner),
    name: app.name,
    description: null,
    external_url: `${urls.html}/apps/${app.slug}`,
    html_url: `${urls.html}/apps/${app.slug}`,
    created_at: app.createdAt,
    updated_at: app.createdAt,
    permissions: { ...APP_PERMISSIONS },
    events: [...APP_EVENTS],
  };
}

export function buildInstallation(
  urls: Urls,
  app: ForgeApp,
  installation: ForgeInstallation,
): Schema<"installation"> & { account: ReturnType<typeof buildUser> } {
  return {
    id: installation.id,
    account: buildUser(urls, installation.account),
    repository_selection: "selected",
    access_tokens_url: `${urls.api}/app/installations/${installation.id}/access_tokens`,
    repositories_url: `${urls.api}/installation/repositories`,
    html_url: `${urls.html}/settings/installations/${installation.id}`,
    app_id: app.id,
    app_slug: app.slug,
    target_id: installation.account.id,
    target_type: installation.account.type,
    permissions: { ...APP_PERMISSIONS },
    events: [...APP_EVENTS],
    created_at: installation.createdAt,
    updated_at: installation.createdAt,
    single_file_name: null,
    has_multiple_single_files: false,
    single_file_paths: [],
    suspended_by: null,
    suspended_at: null,
  };
}

export function buildLabel(urls: Urls, repo: ForgeRepo, label: ForgeLabel): Schema<"label"> & { id: number } {
  return {
    id: label.id,
    node_id: buildNodeId("Label", label.id),
    url: `${urls.api}/repos/${repo.fullName}/labels/${encodeURIComponent(label.name)}`,
    name: label.name,
    description: label.description,
    color: label.color,
    default: false,
  };
}
