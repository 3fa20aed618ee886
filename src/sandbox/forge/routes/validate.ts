// Request-body validation for the forge's routes: zod schemas, failures as GitHub's 422 "Validation Failed".
import { type z } from "zod";
import { ForgeHttpError } from "../http.ts";

/** Parses `body` with `schema`; a bad field is GitHub's 422 naming the resource, field and code. */
export function parseBody<T extends z.ZodType>(schema: T, body: unknown, resource: string): z.output<T> {
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const field = issue?.path.join(".") ?? "";
  const missing = issue?.code === "invalid_type" && issue.input === undefined;
  throw new ForgeHttpError(422, "Validation Failed", {
    errors: [{ resource, field, code: missing ? "missing_field" : "invalid", message: issue?.message ?? "invalid" }],
  });
}

/** A route's numeric parameter (the router already matched `\d+`). */
export function numberParam(value: string | undefined): number {
  return Number(value);
}
