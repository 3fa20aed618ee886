// Deleting a tag on the remote with a compare-and-swap: only if it still points at the object that was judged.
import { assertSafeRefName } from "../../domain/names.ts";
import type { GitContext } from "./context.ts";
import { assertObjectId } from "./inputs.ts";
import { pushWithLeases } from "./push.ts";
import { killPoint } from "../kill-point.ts";

export type DeleteTagResult =
  | { readonly status: "deleted"; readonly name: string }
  | { readonly status: "refused"; readonly name: string; readonly message: string };

/**
 * `git push --atomic --force-with-lease=refs/tags/<name>:<object> <remote> :refs/tags/<name>`: a tag re-pushed
 * (fixed) since it was checked is left alone. GitHub's REST delete has no such condition, so this goes through git.
 */
export async function deleteTag(context: GitContext, name: string, expectedObject: string): Promise<DeleteTagResult> {
  const tag = assertSafeRefName(name, "tag");
  const object = assertObjectId(expectedObject, `object of tag ${tag}`);
  const ref = `refs/tags/${tag}`;
  const pushed = await pushWithLeases(context.git, context.remote, [{ sha: null, lease: { ref, expect: object } }]);
  killPoint("delete-tag:after-delete");
  const deleted =
    pushed.confirmedAfterError || pushed.updates.some((update) => update.flag === "-" && update.ref === ref);
  if (pushed.ok && deleted) return { status: "deleted", name: tag };
  return {
    status: "refused",
    name: tag,
    message:
      `${tag} was not deleted (it changed since it was checked, or the push ` +
      `failed): ${pushed.failure ?? pushed.output.trim().split("\n").at(-1) ?? ""}`,
  };
}
