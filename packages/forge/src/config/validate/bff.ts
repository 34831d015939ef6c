/**
 * Backend-for-frontend references: `bff.aggregates` names the services a BFF calls.
 * @module
 */
import type { Diagnostic } from "../diagnostic.ts";
import type { Architecture } from "../schema.ts";
import { didYouMean } from "../suggest.ts";
import { report, type ValidationContext } from "./context.ts";

/**
 * - an aggregated service that is not defined: `bff-unknown-service` WARNING, with a suggestion among
 *   the defined names. It is not an error because the seed's own reference example aggregates the
 *   undefined `product-service`; the generated BFF reports such a dependency as degraded.
 * - a BFF aggregating itself: `bff-self-reference` error (it would call itself in a loop).
 */
export function validateBffReferences(arch: Architecture, ctx: ValidationContext): Diagnostic[] {
  const out: Diagnostic[] = [];
  const defined = arch.services.map((s) => s.name);
  arch.services.forEach((service, i) => {
    service.bff?.aggregates?.forEach((target, j) => {
      const path = ["services", i, "bff", "aggregates", j];
      if (target === service.name) {
        out.push(
          report(ctx, {
            severity: "error",
            code: "bff-self-reference",
            path,
            message: `"${service.name}" aggregates itself`,
            hint: "remove it from bff.aggregates: a BFF calling itself would loop on every request",
          }),
        );
      } else if (!defined.includes(target)) {
        out.push(
          report(ctx, {
            severity: "warning",
            code: "bff-unknown-service",
            path,
            message: `aggregated service "${target}" is not defined in this architecture`,
            hint: `${didYouMean(target, defined)}the BFF will report "${target}" as a degraded dependency until a [[services]] entry named "${target}" exists`,
          }),
        );
      }
    });
  });
  return out;
}
