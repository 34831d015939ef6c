/**
 * What every generated service starts with, wired once here instead of in each service: a logger
 * that redacts secrets and the architecture's PII fields (and audits them when `audit_logging` is
 * on) and carries trace ids; OpenTelemetry tracing from `[observability]` and `OTEL_*`; Prometheus
 * metrics at `/metrics`; a service host whose every request is traced and metered (over mutual TLS
 * when `[security].mtls` is on and its files are configured); an event bus
 * whose publishes and deliveries are traced and counted; and a resilience orchestrator holding the
 * architecture's policies, its breakers' states exported as metrics (seed 000 Success Metrics 6–7:
 * resilient and traced out of the box; seed 004: policies declared as data, run by the orchestrator).
 * @module
 */
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import type pino from "pino";
import type { EventBus } from "../messaging/event-bus.ts";
import { createEventBus } from "../messaging/event-bus-registry.ts";
import { createLogger, type Logger } from "../observability/logger.ts";
import { meterEventBus } from "../observability/metrics/meter-event-bus.ts";
import { metricsHandler } from "../observability/metrics/metrics-handler.ts";
import { ServiceMetrics } from "../observability/metrics/service-metrics.ts";
import { createTracing, type Tracing } from "../observability/tracing/create-tracing.ts";
import { traceLogMixin } from "../observability/tracing/log-mixin.ts";
import { traceEventBus } from "../observability/tracing/trace-event-bus.ts";
import { tracingConfigFromEnv } from "../observability/tracing/tracing-config.ts";
import { policyFromArchitecture } from "../resilience/architecture-policy.ts";
import { ResilienceOrchestrator } from "../resilience/orchestrator.ts";
import { createServiceHost, type ServiceHost } from "../runtime/service-host.ts";
import type { AuditLog } from "../security/audit/audit-log.ts";
import { openAuditLog } from "../security/audit/json-lines-audit-log.ts";
import { createMtlsFetch } from "../security/mtls/mtls-fetch.ts";
import type { MtlsMaterial } from "../security/mtls/mtls-material.ts";
import { mtlsServerOptions } from "../security/mtls/mtls-options.ts";
import { instrumentHttp } from "./http-instrumentation.ts";
import { profileMtls } from "./profile-mtls.ts";
import { profileTracingDefaults } from "./profile-tracing.ts";
import type { ServiceProfile } from "./service-profile.ts";

/** `openAuditLog`, creating the file's folder first (`.data/` on a fresh checkout). */
function openAuditLogIn(env: Readonly<Record<string, string | undefined>>): AuditLog {
  const file = env.AUDIT_LOG_FILE?.trim();
  if (file !== undefined && file !== "" && file !== "-") mkdirSync(dirname(file), { recursive: true });
  return openAuditLog({ ...env });
}

/** Options for {@link createServiceRuntime}. */
export interface ServiceRuntimeOptions {
  readonly name: string;
  readonly version?: string;
  /** TCP port; `0` picks a free one. */
  readonly port: number;
  /** Interface to bind; default env `HOST`, else `127.0.0.1`. */
  readonly host?: string;
  /** Environment: `LOG_LEVEL`, `EVENT_BUS_URL`, `OTEL_*`, `AUDIT_LOG_FILE`; default `process.env`. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** A bus shared with other services (`allframe dev`); its owner closes it. Default: from `EVENT_BUS_URL`. */
  readonly bus?: EventBus;
  /** The architecture's cross-cutting tables. */
  readonly profile?: ServiceProfile;
  /**
   * Tracing to use instead of one built from the profile (tests pass a memory exporter), or `false`
   * for none at all: no spans, no context propagation, no cost. `OTEL_SDK_DISABLED=true` does the same.
   */
  readonly tracing?: Tracing | false;
  /** Where log lines go; default stdout. */
  readonly logDestination?: pino.DestinationStream;
  /** Upper bound for `host.stop()`, ms; default 10000. */
  readonly shutdownTimeoutMs?: number;
}

/** The wired parts; register routes, handlers and hooks on `host`, then `host.start()`. */
export interface ServiceRuntime {
  readonly host: ServiceHost;
  readonly logger: Logger;
  /** Traced and metered. */
  readonly bus: EventBus;
  /** Undefined when tracing is off (`tracing: false`, `OTEL_SDK_DISABLED=true`). */
  readonly tracing: Tracing | undefined;
  readonly metrics: ServiceMetrics;
  /** Holds the profile's policies by name (`default`, and e.g. `provider`, `clients`). */
  readonly resilience: ResilienceOrchestrator;
  /** The audit log when `[compliance].audit_logging` is on. */
  readonly audit: AuditLog | undefined;
  /** This service's mTLS material when `[security].mtls` is on and configured (see `profileMtls`). */
  readonly mtls: MtlsMaterial | undefined;
  /** `fetch` for calls to other services: presents this service's certificate under mTLS. */
  readonly fetch: (input: string | URL | Request, init?: RequestInit) => Promise<Response>;
}

/**
 * Builds the runtime of one service. Nothing listens until `host.start()`; `host.stop()` closes the
 * bus (unless injected), flushes tracing and closes the audit log, after the service's own hooks.
 *
 * @throws AllFrameError `configuration` for a bad `LOG_LEVEL`, `OTEL_*` variable or resilience table
 *   (naming the key), for `audit_logging` without `AUDIT_LOG_FILE`, or an unknown `EVENT_BUS_URL` scheme.
 * @example
 * const { host, bus, resilience } = createServiceRuntime({ name: "orders", port: 8080, profile: PROFILE });
 */
export function createServiceRuntime(opts: ServiceRuntimeOptions): ServiceRuntime {
  const env = opts.env ?? process.env;
  const profile = opts.profile ?? {};
  const tracingOff = opts.tracing === false || env.OTEL_SDK_DISABLED?.trim().toLowerCase() === "true";
  const tracing = tracingOff
    ? undefined
    : opts.tracing ||
      createTracing(
        tracingConfigFromEnv(env, profileTracingDefaults(opts.name, profile.observability ?? {}, env)),
      );
  const audit = profile.compliance?.audit_logging === true ? openAuditLogIn(env) : undefined;
  const logger = createLogger({
    service: opts.name,
    env,
    ...(tracing === undefined ? {} : { mixin: traceLogMixin }),
    ...(profile.compliance?.pii_fields === undefined ? {} : { piiFields: profile.compliance.pii_fields }),
    ...(audit === undefined ? {} : { audit }),
    ...(opts.logDestination === undefined ? {} : { destination: opts.logDestination }),
  });
  const metrics = new ServiceMetrics({ service: opts.name });
  const mtls = profileMtls(profile.security, env, logger);
  const host = createServiceHost({
    name: opts.name,
    port: opts.port,
    logger,
    instrumentRequests: instrumentHttp({ tracing, metrics }),
    ...(mtls === undefined ? {} : { tls: mtlsServerOptions(mtls) }),
    ...(opts.version === undefined ? {} : { version: opts.version }),
    ...(opts.host === undefined ? {} : { host: opts.host }),
    ...(opts.shutdownTimeoutMs === undefined ? {} : { shutdownTimeoutMs: opts.shutdownTimeoutMs }),
  });
  host.router.mount(["GET", "HEAD"], "/metrics", metricsHandler(metrics));
  // Registered first, so they run last: the service's own hooks still log, trace and audit.
  if (audit !== undefined) host.onShutdown("audit-log", () => audit.close());
  if (opts.tracing === undefined && tracing !== undefined)
    host.onShutdown("tracing", () => tracing.shutdown());
  const base = opts.bus ?? createEventBus({ url: env.EVENT_BUS_URL, logger });
  if (opts.bus === undefined) host.onShutdown("event-bus", () => base.close());
  const bus = meterEventBus(tracing === undefined ? base : traceEventBus(base, tracing), metrics);
  const policies = Object.fromEntries(
    Object.entries(profile.resilience ?? {}).map(([name, table]) => [
      name,
      policyFromArchitecture(table, { name, path: `services.${opts.name}.resilience.${name}` }),
    ]),
  );
  const resilience = new ResilienceOrchestrator({
    policies,
    onStateChange: ({ name, to }) => metrics.recordBreakerState(name, to),
  });
  const fetch = mtls === undefined ? globalThis.fetch : createMtlsFetch(mtls);
  return { host, logger, bus, tracing, metrics, resilience, audit, mtls, fetch };
}
