/**
 * A service's profile: the cross-cutting tables of `architecture.toml` (`[observability]`,
 * `[compliance]`, `[security]`, the resolved resilience tables) as plain data, in the TOML's own
 * keys, so a generated service embeds them verbatim and the runtime turns them into tracing, logging
 * and resilience settings here (seed 000 Success Metrics 6–7: resilient and traced out of the box).
 * @module
 */
import type { ArchitectureResilienceTable } from "../resilience/architecture-policy.ts";

/** `[observability]`, as architecture.toml writes it. */
export interface ObservabilityProfile {
  readonly tracing?: string;
  readonly propagation?: ReadonlyArray<"traceparent" | "b3" | "baggage">;
  readonly sampling?: {
    readonly strategy?: "probabilistic" | "always" | "never" | "parent-based";
    /** Fraction of new traces recorded, 0..1. */
    readonly rate?: number;
  };
  readonly metrics?: string;
  readonly baggage?: {
    readonly tenant_id?: boolean;
    readonly user_id?: boolean;
    readonly correlation_id?: boolean;
  };
}

/** `[compliance]`, as architecture.toml writes it. */
export interface ComplianceProfile {
  readonly audit_logging?: boolean;
  readonly pii_fields?: readonly string[];
  /** Informational here: retention is enforced by each store's clean-up, not by the runtime. */
  readonly data_retention_days?: number;
  readonly gdpr_enabled?: boolean;
  readonly hipaa_enabled?: boolean;
}

/** `[security]`, as architecture.toml writes it. */
export interface SecurityProfile {
  readonly secrets_manager?: "aws-secrets" | "vault" | "gcp-secrets" | "env";
  readonly mtls?: boolean;
  readonly api_key_rotation_days?: number;
  readonly authentication?: {
    readonly provider?: string;
    readonly jwt_issuer?: string;
    readonly jwks_url?: string;
    readonly audience?: string;
  };
}

/** Everything cross-cutting a generated service knows from its architecture. */
export interface ServiceProfile {
  readonly observability?: ObservabilityProfile;
  readonly compliance?: ComplianceProfile;
  readonly security?: SecurityProfile;
  /**
   * Named resilience policies, e.g. `default` (the service's resolved `[resilience]`) and one per
   * dependency such as `provider` for a gateway's `integrations` tables.
   */
  readonly resilience?: Readonly<Record<string, ArchitectureResilienceTable>>;
}
