/**
 * @module service: what a generated service is built from: its profile (the architecture's
 * cross-cutting tables), the runtime wired from it (logger, tracing, metrics, host, bus, resilience)
 * and the protocols its handlers are served over.
 */
export { type HttpInstrumentationOptions, instrumentHttp } from "./http-instrumentation.ts";
export { profileTracingDefaults } from "./profile-tracing.ts";
export { type ServedProtocols, type ServeProtocolsOptions, serveProtocols } from "./serve-protocols.ts";
export type {
  ComplianceProfile,
  ObservabilityProfile,
  SecurityProfile,
  ServiceProfile,
} from "./service-profile.ts";
export { createServiceRuntime, type ServiceRuntime, type ServiceRuntimeOptions } from "./service-runtime.ts";
