/**
 * Checks a saga definition when it is registered, so a broken one fails at start-up, not mid-run.
 * @module
 */
import { AllFrameError } from "../errors/allframe-error.ts";
import type { SagaDefinition } from "./saga-definition.ts";

/**
 * @throws AllFrameError `"validation"` for an empty name, no steps, a repeated step name or a
 *   non-positive timeout, with one issue per problem.
 */
export function validateSagaDefinition<Ctx>(def: SagaDefinition<Ctx>): void {
  const problems: string[] = [];
  if (typeof def.name !== "string" || def.name.length === 0) problems.push("name must be a non-empty string");
  if (def.steps.length === 0) problems.push("a saga needs at least one step");
  const names = def.steps.map((s) => s.name);
  const repeated = names.filter((n, i) => names.indexOf(n) !== i);
  if (repeated.length > 0) problems.push(`step names repeat: ${[...new Set(repeated)].join(", ")}`);
  for (const [where, ms] of [
    ["saga", def.timeoutMs],
    ...def.steps.map((s) => [`step "${s.name}"`, s.timeoutMs]),
  ]) {
    if (ms !== undefined && !(typeof ms === "number" && ms > 0))
      problems.push(`${where}: timeoutMs must be > 0`);
  }
  if (problems.length > 0) {
    throw new AllFrameError("validation", `saga "${def.name}": ${problems.join("; ")}`, {
      issues: problems.map((message) => ({ path: [def.name], message })),
    });
  }
}
