/**
 * `src/profile.ts` of a generated service: the architecture's cross-cutting tables (`[observability]`,
 * `[compliance]`, `[security]`, the service's resolved resilience) as data, in the TOML's own keys,
 * which `createServiceRuntime` turns into tracing, redaction, auditing and resilience policies (seed
 * 000 Success Metrics 6–7; seed 004: policies declared as data).
 * @module
 */
import type { ResolvedArchitecture, ResolvedService } from "../config/resolve.ts";
import { code } from "../generators/typescript/code.ts";

/**
 * The service's named resilience policies: `outbound` (breaker, retry, bulkhead around what the
 * service calls); a gateway adds one per provider, `provider:<name>`, so one failing provider does not
 * open the others' breakers; a BFF adds `inbound` (its per-user rate limit on what clients send).
 */
export function resiliencePolicies(service: ResolvedService): Record<string, unknown> {
  const { circuit_breaker, retry, bulkhead, rate_limit } = service.resilience;
  const outbound = { circuit_breaker, retry, bulkhead };
  const providers = service.type === "gateway" ? (service.integrations?.providers ?? []) : [];
  return {
    outbound,
    ...Object.fromEntries(providers.map((p) => [`provider:${p}`, outbound])),
    ...(service.type === "bff" ? { inbound: { rate_limit } } : {}),
  };
}

/** The `ServiceProfile` literal of one service. */
export function serviceProfile(
  architecture: ResolvedArchitecture,
  service: ResolvedService,
): Record<string, unknown> {
  const { observability, compliance, security } = architecture.architecture;
  return {
    ...(observability === undefined ? {} : { observability }),
    ...(compliance === undefined ? {} : { compliance }),
    ...(security === undefined ? {} : { security }),
    resilience: resiliencePolicies(service),
  };
}

/** Writes `src/profile.ts`. */
export function profileModule(architecture: ResolvedArchitecture, service: ResolvedService): string {
  return code`
    import type { ServiceProfile } from "@allframe/core";

    /**
     * What ${service.name} takes from ${architecture.source.file}: tracing and sampling, PII fields and
     * audit logging, security settings, and its resilience policies by name. Edit the architecture and
     * re-run ignite rather than this file.
     */
    export const PROFILE: ServiceProfile = ${JSON.stringify(serviceProfile(architecture, service), null, 2)};
  `;
}
