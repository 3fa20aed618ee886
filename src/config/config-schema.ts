// The whole schema of .github/merge-window.yml: the fields (schema.ts), then the cross-field rules (rules.ts).
import type { z } from "zod";
import { checkConfigConsistency } from "./rules.ts";
import { configObjectSchema } from "./schema.ts";

type ConfigShape = z.output<typeof configObjectSchema>;

/**
 * `{subsystem}` in branch templates is filled in here, once: everything downstream (the machine, the git layer,
 * the CLI) sees `selinux-next` and `selinux-stable-{version}`, never a field it would have to know to render.
 */
function fillBranchSubsystem(config: ConfigShape): ConfigShape {
  const fill = (template: string) => template.replaceAll("{subsystem}", config.subsystem);
  const { next, stable, dev, devStaging } = config.branches;
  return {
    ...config,
    branches: { next: fill(next), stable: fill(stable), dev: fill(dev), devStaging: fill(devStaging) },
  };
}

/** The schema of `.github/merge-window.yml`. Only `subsystem` is required. */
export const configSchema = configObjectSchema
  .superRefine(checkConfigConsistency)
  .meta({
    title: "merge-window configuration",
    description: "The .github/merge-window.yml of a kernel subsystem repository.",
  })
  .transform(fillBranchSubsystem);
