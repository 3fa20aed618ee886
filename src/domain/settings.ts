// The part of a repository's configuration the machine reads (src/config/schema.ts's Config satisfies it).
import type { Permission } from "./commands.ts";
import type { VariantId } from "./process.ts";

/** Monday first, as ISO weeks count. */
export const WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"] as const;
export type Weekday = (typeof WEEKDAYS)[number];

export interface MachineSettings {
  readonly subsystem: string;
  readonly variant: VariantId;
  readonly timeZone: string;
  readonly branches: {
    readonly next: string;
    readonly stable: string;
    readonly dev: string;
    readonly devStaging: string;
  };
  readonly tags: { readonly name: string; readonly message: string; readonly maxDateSkewDays: number };
  readonly signing: { readonly mode: "maintainer" | "app" };
  readonly cycle: {
    readonly lateThreshold: number;
    readonly rebaseByDay: number;
    readonly sendByDay: number;
    readonly rebaseDecisionByRc: number;
    readonly fixesReminderDays: number;
  };
  readonly lateDeferral: {
    readonly enabled: boolean;
    readonly maxLines: number;
    readonly label: string;
    readonly fixLabels: readonly string[];
  };
  readonly pullRequest: { readonly openUpstreamPr: { readonly repo: string; readonly branch: string } | null };
  readonly tests: { readonly workflow: string | null; readonly weekday: Weekday };
  readonly automation: {
    readonly createStable: "command" | "auto";
    readonly rebase: "command" | "auto";
    readonly deleteInvalidTags: boolean;
  };
  readonly permissions: { readonly commands: Permission; readonly destructive: Permission };
  readonly trackingIssue: { readonly label: string; readonly titleTemplate: string };
}
