/**
 * Sagas: each step is undone by the compensation at the same index, run in reverse order on failure
 * (seed 000, "Saga Orchestrator"), so the two lists must pair up one to one.
 * @module
 */
import type { Diagnostic } from "../diagnostic.ts";
import { type Architecture, SAGA_PARTICIPANT_TYPES } from "../schema.ts";
import { report, type ValidationContext } from "./context.ts";

/**
 * - `saga-mismatch` error when `steps` and `compensation` differ in length, naming the first step
 *   without a compensation (or the first compensation without a step). A missing `compensation` is
 *   an empty list.
 * - `non-positive-timeout` error when `timeout_seconds` is 0 or less.
 * - `saga-unknown-participant` error when `participants` maps a command to a name that is not a
 *   service, or to a service that cannot take part (not a gateway, not event-sourced, not the
 *   orchestrator itself); warning when it names a command that is neither a step nor a compensation.
 */
export function validateSagas(arch: Architecture, ctx: ValidationContext): Diagnostic[] {
  const out: Diagnostic[] = [];
  arch.services.forEach((service, i) => {
    const saga = service.saga;
    if (!saga) return;
    const steps = saga.steps ?? [];
    const compensation = saga.compensation ?? [];
    if (steps.length > compensation.length) {
      const missing = steps.slice(compensation.length);
      out.push(
        report(ctx, {
          severity: "error",
          code: "saga-mismatch",
          path: ["services", i, "saga", saga.compensation ? "compensation" : "steps"],
          message: `${steps.length} steps but ${compensation.length} compensations: step ${compensation.length + 1} "${missing[0]}" has no compensation`,
          hint: `add one compensation per step, in the same order (compensation[${compensation.length}] undoes "${missing[0]}"); write a no-op step such as "Noop${missing[0]}" if nothing needs undoing`,
        }),
      );
    } else if (compensation.length > steps.length) {
      const extra = compensation[steps.length];
      out.push(
        report(ctx, {
          severity: "error",
          code: "saga-mismatch",
          path: ["services", i, "saga", "compensation", steps.length],
          message: `${steps.length} steps but ${compensation.length} compensations: compensation "${extra}" has no step to undo`,
          hint: "remove it, or add the step it undoes at the same index in saga.steps",
        }),
      );
    }
    out.push(...participantFindings(arch, i, ctx));
    if (saga.timeout_seconds !== undefined && saga.timeout_seconds <= 0) {
      out.push(
        report(ctx, {
          severity: "error",
          code: "non-positive-timeout",
          path: ["services", i, "saga", "timeout_seconds"],
          message: `timeout_seconds must be greater than 0, got ${saga.timeout_seconds}`,
          hint: "a saga with no time budget would be timed out before its first step; e.g. timeout_seconds = 300",
        }),
      );
    }
  });
  return out;
}

function participantFindings(arch: Architecture, i: number, ctx: ValidationContext): Diagnostic[] {
  const service = arch.services[i];
  const saga = service?.saga;
  const commands = new Set([...(saga?.steps ?? []), ...(saga?.compensation ?? [])]);
  return Object.entries(saga?.participants ?? {}).flatMap(([command, name]) => {
    const path = ["services", i, "saga", "participants", command];
    const target = arch.services.find((s) => s.name === name);
    if (!commands.has(command))
      return [
        report(ctx, {
          severity: "warning",
          code: "saga-unknown-participant",
          path,
          part: "key",
          message: `"${command}" is neither a step nor a compensation of this saga`,
          hint: `use one of: ${[...commands].join(", ")}`,
        }),
      ];
    if (target === undefined)
      return [
        report(ctx, {
          severity: "error",
          code: "saga-unknown-participant",
          path,
          message: `"${name}" is not a service of this architecture`,
          hint: `name a gateway or event-sourced service, or "${service?.name}" to handle ${command} in the orchestrator`,
        }),
      ];
    if (target.name !== service?.name && !SAGA_PARTICIPANT_TYPES.includes(target.type))
      return [
        report(ctx, {
          severity: "error",
          code: "saga-unknown-participant",
          path,
          message: `"${name}" is a ${target.type} service, which cannot handle saga commands`,
          hint: `name a gateway or event-sourced service, or "${service?.name}" to handle ${command} in the orchestrator`,
        }),
      ];
    return [];
  });
}
