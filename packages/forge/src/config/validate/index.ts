/**
 * The semantic validators, run in this order on a schema-valid architecture. Each is a pure function
 * `(architecture, ctx) => Diagnostic[]` in its own file.
 * @module
 */
import type { Diagnostic } from "../diagnostic.ts";
import type { Architecture } from "../schema.ts";
import { validateBffReferences } from "./bff.ts";
import type { ValidationContext, Validator } from "./context.ts";
import { validateEventFlow } from "./events.ts";
import { validateHasServices } from "./has-services.ts";
import { validatePorts } from "./ports.ts";
import { validateRequiredSections } from "./required-sections.ts";
import { validateSagas } from "./saga.ts";
import { validateSchedules } from "./schedules.ts";
import { validateServiceNames } from "./service-names.ts";

/** Every semantic validator, in the order their diagnostics are produced (before sorting). */
export const SEMANTIC_VALIDATORS: readonly Validator<Architecture>[] = [
  validateHasServices,
  validateServiceNames,
  validateRequiredSections,
  validateBffReferences,
  validateEventFlow,
  validatePorts,
  validateSchedules,
  validateSagas,
];

/** Runs {@link SEMANTIC_VALIDATORS} and concatenates their diagnostics. */
export function validateSemantics(arch: Architecture, ctx: ValidationContext): Diagnostic[] {
  return SEMANTIC_VALIDATORS.flatMap((validate) => validate(arch, ctx));
}
