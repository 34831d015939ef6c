/**
 * The architecture schema: one source of truth for the TypeScript types, the validation and the
 * generated JSON Schema (`packages/forge/schema/architecture.schema.json`) that editors use.
 *
 * Keys are snake_case exactly as written in `architecture.toml`. Objects strip unknown keys; the
 * validator reports them separately as warnings with a suggestion (see `validate/unknown-keys.ts`).
 *
 * Source: seed 000 "Phase 1: Architecture Configuration Schema" and "Configuration Schema Reference".
 * @module
 */
import { z } from "zod";

/** The twelve service archetypes (seed 000, "Service Types"). */
export const SERVICE_TYPES = [
  "stateless",
  "event-sourced",
  "saga-orchestrator",
  "gateway",
  "consumer",
  "producer",
  "stream-processor",
  "bff",
  "websocket-gateway",
  "scheduled",
  "anti-corruption-layer",
  "cache",
] as const;
/** One of {@link SERVICE_TYPES}. */
export type ServiceType = (typeof SERVICE_TYPES)[number];

/**
 * Service types a saga command can be sent to besides the orchestrator itself (AllFrame extension,
 * `[services.saga] participants`): a gateway runs it on its provider, an event-sourced service on its
 * aggregate.
 */
export const SAGA_PARTICIPANT_TYPES: readonly ServiceType[] = ["gateway", "event-sourced"];

/** Protocols a service can serve; REST and GraphQL share the HTTP listener, gRPC has its own. */
export const PROTOCOLS = ["rest", "graphql", "grpc"] as const;
/** One of {@link PROTOCOLS}. */
export type Protocol = (typeof PROTOCOLS)[number];

/** Event buses `settings.event_bus` accepts; `in-process` is the embedded default for local runs. */
export const EVENT_BUSES = [
  "kafka",
  "rabbitmq",
  "sqs",
  "pubsub",
  "nats",
  "eventbridge",
  "in-process",
] as const;
/** Databases `settings.default_database`, `database.type` and `saga.state_store` accept. */
export const DATABASES = ["postgres", "mysql", "dynamodb", "firestore", "sqlite", "memory"] as const;

const positiveInt = z.number().int().positive();
const nonNegativeInt = z.number().int().nonnegative();

/** `circuit_breaker` tables (top-level `[resilience]`, per service, `integrations`). All keys optional. */
export const circuitBreakerSchema = z.object({
  failure_threshold: positiveInt.optional().describe("Consecutive failures that open the breaker."),
  success_threshold: positiveInt.optional().describe("Half-open successes that close the breaker."),
  timeout_ms: positiveInt
    .optional()
    .describe("Milliseconds the breaker stays open before a half-open probe."),
});

/** `retry` tables: exponential backoff settings. All keys optional. */
export const retrySchema = z.object({
  max_attempts: positiveInt.optional().describe("Attempts including the first call."),
  initial_interval_ms: positiveInt.optional().describe("First backoff delay in milliseconds."),
  max_interval_ms: positiveInt.optional().describe("Upper bound of a backoff delay in milliseconds."),
  multiplier: z.number().min(1).optional().describe("Exponential backoff multiplier (>= 1)."),
  idempotent_only: z.boolean().optional().describe("Retry only operations marked idempotent."),
});

/** `bulkhead` tables: concurrent calls allowed and calls queued beyond them. */
export const bulkheadSchema = z.object({
  max_concurrent: positiveInt.optional(),
  max_queue: nonNegativeInt.optional(),
});

/** `rate_limit` tables: a token bucket per `per` key. */
export const rateLimitSchema = z.object({
  rps: positiveInt.optional().describe("Sustained requests per second (token refill rate)."),
  burst: positiveInt.optional().describe("Token bucket capacity."),
  per: z.enum(["global", "user", "ip", "tenant"]).optional().describe("What each bucket is keyed by."),
});

/** The top-level `[resilience]` defaults (seed 000 "Resilience Defaults"). */
export const resilienceSchema = z.object({
  circuit_breaker: circuitBreakerSchema.optional(),
  retry: retrySchema.optional(),
  bulkhead: bulkheadSchema.optional(),
  rate_limit: rateLimitSchema.optional(),
});

/** The `[architecture]` table: name (a DNS label), version, multi-tenancy. */
export const architectureSectionSchema = z.object({
  name: z.string().min(1).describe("Architecture (and generated workspace) name, DNS-label safe."),
  version: z.string().min(1).default("0.1.0"),
  multi_tenant: z.boolean().default(false),
  description: z.string().optional(),
});

/** The `[settings]` table: global event bus, database and observability choices. */
export const settingsSchema = z.object({
  event_bus: z.enum(EVENT_BUSES).default("in-process"),
  default_database: z.enum(DATABASES).default("postgres"),
  observability: z.string().optional(),
  events: z
    .object({ schema_registry: z.enum(["confluent", "glue", "apicurio", "none"]).optional() })
    .optional(),
});

/** The `[security]` table: secrets manager, mTLS, authentication. */
export const securitySchema = z.object({
  secrets_manager: z.enum(["aws-secrets", "vault", "gcp-secrets", "env"]).optional(),
  mtls: z.boolean().optional(),
  api_key_rotation_days: positiveInt.optional(),
  authentication: z
    .object({
      provider: z.string().optional(),
      jwt_issuer: z.string().optional(),
      jwks_url: z.string().optional(),
      audience: z.string().optional(),
    })
    .optional(),
});

/** The `[compliance]` table: audit logging, PII fields, retention (days). */
export const complianceSchema = z.object({
  audit_logging: z.boolean().optional(),
  pii_fields: z.array(z.string()).optional(),
  data_retention_days: positiveInt.optional(),
  gdpr_enabled: z.boolean().optional(),
  hipaa_enabled: z.boolean().optional(),
});

/** The `[observability]` table: tracing, propagation formats, sampling, metrics, baggage. */
export const observabilitySchema = z.object({
  tracing: z.string().optional(),
  propagation: z.array(z.enum(["traceparent", "b3", "baggage"])).optional(),
  sampling: z
    .object({
      strategy: z.enum(["probabilistic", "always", "never", "parent-based"]).optional(),
      rate: z.number().min(0).max(1).optional().describe("Fraction of traces sampled, 0..1."),
    })
    .optional(),
  metrics: z.string().optional(),
  baggage: z
    .object({
      tenant_id: z.boolean().optional(),
      user_id: z.boolean().optional(),
      correlation_id: z.boolean().optional(),
    })
    .optional(),
});

/** The `[testing]` table: contract, chaos and load testing switches. */
export const testingSchema = z.object({
  contract_testing: z.boolean().optional(),
  contract_broker: z.enum(["pactflow", "pact-broker", "none"]).optional(),
  chaos_engineering: z.boolean().optional(),
  load_testing: z.object({ tool: z.string().optional(), baseline_rps: positiveInt.optional() }).optional(),
});

/** The `[feature_flags]` table: provider and sync interval (seconds). */
export const featureFlagsSchema = z.object({
  provider: z.string().optional(),
  sync_interval_seconds: positiveInt.optional(),
});

/** The `[tenant]` table: multi-tenancy and how a request's tenant is found. */
export const tenantSchema = z.object({
  enabled: z.boolean().optional(),
  routing: z.enum(["subdomain", "header", "path"]).optional(),
});

/** The `[cloud]` table: primary provider, regions and per-provider identifiers. */
export const cloudSchema = z.object({
  primary: z.enum(["aws", "gcp", "fly", "shuttle", "azure"]).optional(),
  regions: z.array(z.string()).optional(),
  aws: z.object({ account_id: z.string().optional(), runtime: z.string().optional() }).optional(),
  gcp: z
    .object({
      project_id: z.string().optional(),
      runtime: z.enum(["cloud-run", "cloud-functions", "gke"]).optional(),
    })
    .optional(),
  fly: z.object({ org: z.string().optional() }).optional(),
  shuttle: z.object({ project: z.string().optional() }).optional(),
});

/** The `[deployment]` table: canary duration (minutes), promotion criteria, rollback. */
export const deploymentSchema = z.object({
  canary_duration_minutes: positiveInt.optional(),
  promotion_criteria: z
    .object({ error_rate_max: z.number().min(0).max(1).optional(), latency_p99_ms: positiveInt.optional() })
    .optional(),
  rollback_on_failure: z.boolean().optional(),
});

const cronJobSchema = z.object({
  cron: z.string().describe("Five- or six-field cron expression."),
  timezone: z.string().optional().describe("IANA time zone, e.g. Europe/Paris; defaults to the schedule's."),
  timeout_minutes: positiveInt.optional(),
  overlap_policy: z.enum(["skip", "queue", "allow"]).optional(),
});

/** One `[[services]]` entry: name, type, protocols, ports and the type-specific tables. */
export const serviceSchema = z.object({
  name: z.string().describe("Service name: a DNS label (lowercase letters, digits, hyphens; <= 63 chars)."),
  type: z.enum(SERVICE_TYPES).describe("The archetype generated for this service."),
  responsibility: z.string().optional().describe("One sentence on what the service owns (used in docs)."),
  protocols: z.array(z.enum(PROTOCOLS)).optional().describe('Defaults to ["rest"].'),
  port: z
    .number()
    .int()
    .min(1)
    .max(65535)
    .optional()
    .describe("HTTP port; assigned from 8080 upwards if absent."),
  domain: z
    .object({ entities: z.array(z.string()).optional(), events: z.array(z.string()).optional() })
    .optional(),
  ports: z
    .object({
      inbound: z.array(z.string()).optional().describe('"protocol:port" entries, e.g. "rest:8080".'),
      outbound: z.array(z.string()).optional(),
    })
    .optional(),
  database: z.object({ type: z.enum(DATABASES).optional() }).optional(),
  idempotency: z
    .object({
      enabled: z.boolean().optional(),
      key_header: z.string().optional(),
      ttl_hours: positiveInt.optional(),
      storage: z.enum(["memory", "redis", "postgres", "sqlite", "dynamodb"]).optional(),
    })
    .optional(),
  messaging: z
    .object({
      pattern: z.enum(["outbox", "direct", "transactional"]).optional(),
      publishes: z.array(z.string()).optional(),
      consumes: z.array(z.string()).optional(),
    })
    .optional(),
  bff: z
    .object({
      aggregates: z.array(z.string()).optional(),
      caching: z
        .object({
          ttl_seconds: positiveInt.optional(),
          strategy: z.enum(["stale-while-revalidate", "ttl", "none"]).optional(),
        })
        .optional(),
      rate_limit: rateLimitSchema.optional(),
    })
    .optional(),
  graphql: z
    .object({ federation: z.boolean().optional(), schema_stitching: z.boolean().optional() })
    .optional(),
  saga: z
    .object({
      name: z.string().optional(),
      steps: z.array(z.string()).optional(),
      compensation: z.array(z.string()).optional(),
      timeout_seconds: z.number().optional().describe("Overall saga timeout in seconds (> 0)."),
      state_store: z.enum(DATABASES).optional(),
      participants: z
        .record(z.string(), z.string())
        .optional()
        .describe(
          'AllFrame extension: command (step or compensation) → the service that handles it, e.g. { ReservePayment = "payment-gateway" }. Unlisted commands go to the gateway or event-sourced service named after the command\'s noun, else to the orchestrator itself.',
        ),
    })
    .optional(),
  integrations: z
    .object({
      providers: z.array(z.string()).optional(),
      circuit_breaker: circuitBreakerSchema.optional(),
      retry: retrySchema.optional(),
    })
    .optional(),
  cqrs: z
    .object({
      event_store: z.enum(["postgres", "allsource", "eventstore", "sqlite", "memory"]).optional(),
      projections: z.array(z.string()).optional(),
      snapshot_frequency: positiveInt.optional(),
    })
    .optional(),
  consumer: z
    .object({
      events: z.array(z.string()).optional(),
      channels: z.array(z.enum(["email", "sms", "push", "webhook"])).optional(),
      dlq: z.boolean().optional(),
      max_retries: nonNegativeInt.optional(),
      retry_backoff: z.enum(["exponential", "linear", "fixed"]).optional(),
      concurrency: positiveInt.optional(),
    })
    .optional(),
  producer: z
    .object({
      events: z.array(z.string()).optional(),
      source: z.enum(["http", "interval"]).optional(),
      interval_ms: positiveInt.optional(),
    })
    .optional(),
  websocket: z
    .object({
      presence: z.boolean().optional(),
      heartbeat_interval_ms: positiveInt.optional(),
      max_connections_per_instance: positiveInt.optional(),
    })
    .optional(),
  subscriptions: z
    .object({ events: z.array(z.string()).optional(), authorization: z.enum(["jwt", "none"]).optional() })
    .optional(),
  schedule: cronJobSchema.partial({ cron: true }).optional(),
  jobs: z.record(z.string(), cronJobSchema).optional(),
  acl: z
    .object({
      upstream: z.string().optional(),
      sync_strategy: z.enum(["polling", "webhook", "cdc"]).optional(),
      polling_interval_seconds: positiveInt.optional(),
    })
    .optional(),
  stream: z
    .object({
      input_topics: z.array(z.string()).optional(),
      output_topics: z.array(z.string()).optional(),
      windowing: z
        .object({
          type: z.enum(["tumbling", "sliding", "session"]).optional(),
          duration_seconds: positiveInt.optional(),
        })
        .optional(),
      late_arrival_tolerance_seconds: nonNegativeInt.optional(),
    })
    .optional(),
  cache: z
    .object({ ttl_seconds: positiveInt.optional(), invalidation: z.array(z.string()).optional() })
    .optional(),
  circuit_breaker: circuitBreakerSchema.optional(),
  retry: retrySchema.optional(),
  bulkhead: bulkheadSchema.optional(),
  rate_limit: rateLimitSchema.optional(),
});

/** The whole architecture file. Objects strip unknown keys (reported separately as warnings). */
export const architectureSchema = z.object({
  architecture: architectureSectionSchema.describe("Name and version of the architecture."),
  settings: settingsSchema
    .default({ event_bus: "in-process", default_database: "postgres" })
    .describe("Global defaults: event bus, database, observability."),
  resilience: resilienceSchema
    .optional()
    .describe("Resilience defaults for every service; a service's own tables override them key by key."),
  security: securitySchema.optional().describe("Secrets, mTLS and authentication."),
  compliance: complianceSchema.optional().describe("Audit logging, PII fields and data retention."),
  observability: observabilitySchema.optional().describe("Tracing, propagation, sampling and metrics."),
  testing: testingSchema.optional().describe("Contract, chaos and load testing."),
  feature_flags: featureFlagsSchema.optional(),
  tenant: tenantSchema.optional().describe("Multi-tenancy routing."),
  cloud: cloudSchema
    .optional()
    .describe("Cloud targets; unset environment variables referenced here become deploy-time inputs."),
  deployment: deploymentSchema.optional().describe("Canary rollout and rollback."),
  services: z.array(serviceSchema).default([]).describe("One [[services]] table per generated service."),
});

/** The parsed architecture file, after schema validation (keys as written, snake_case). */
export type Architecture = z.infer<typeof architectureSchema>;
/** One `[[services]]` entry after schema validation. */
export type ServiceConfig = z.infer<typeof serviceSchema>;
/** A `circuit_breaker` table as written (all keys optional). */
export type CircuitBreakerConfig = z.infer<typeof circuitBreakerSchema>;
/** A `retry` table as written (all keys optional). */
export type RetryConfig = z.infer<typeof retrySchema>;
/** A `bulkhead` table as written (all keys optional). */
export type BulkheadConfig = z.infer<typeof bulkheadSchema>;
/** A `rate_limit` table as written (all keys optional). */
export type RateLimitConfig = z.infer<typeof rateLimitSchema>;
