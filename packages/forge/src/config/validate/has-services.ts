/**
 * An architecture without services generates nothing; that is always a mistake worth stopping for.
 * @module
 */
import type { Diagnostic } from "../diagnostic.ts";
import type { Architecture } from "../schema.ts";
import { report, type ValidationContext } from "./context.ts";

/** `no-services` error when the architecture defines no `[[services]]` at all. */
export function validateHasServices(arch: Architecture, ctx: ValidationContext): Diagnostic[] {
  if (arch.services.length > 0) return [];
  return [
    report(ctx, {
      severity: "error",
      code: "no-services",
      path: ["services"],
      message: "the architecture defines no services",
      hint: 'add at least one [[services]] table with a name and a type, e.g. name = "user-service", type = "stateless"',
    }),
  ];
}
