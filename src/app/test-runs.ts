// Which branch and commit a weekly test run tested: the workflow runs on the default branch, so its run name
// (`run-name:` in config/merge-window-tests.yml, `display_title` in the webhook) carries the dispatch's inputs.

/** The run name the example workflow sets: `merge-window tests: <ref> @ <sha>`. */
const RUN_NAME = /^merge-window tests: (\S+) @ ([0-9a-f]{40}|[0-9a-f]{64})$/;

/** The tested branch and commit from a run's title; null when the run was not named by merge-window's inputs. */
export function parseTestRunTitle(title: string): { readonly ref: string; readonly sha: string } | null {
  const match = RUN_NAME.exec(title.trim());
  return match ? { ref: match[1]!, sha: match[2]! } : null;
}
