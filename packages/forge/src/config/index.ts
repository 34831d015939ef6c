/**
 * The configuration layer of the generator: load an `architecture.toml`/`.yaml`, get a resolved
 * architecture or located diagnostics.
 *
 * @example
 * ```ts
 * import { formatDiagnostics, loadArchitectureFile } from "./config/index.ts";
 * const result = await loadArchitectureFile("architecture.toml");
 * console.error(formatDiagnostics(result.diagnostics));
 * if (result.ok) console.log(result.architecture.services.map((s) => `${s.name}:${s.httpPort}`));
 * ```
 * @module
 */
export {
  DIAGNOSTIC_CODES,
  type Diagnostic,
  type DiagnosticCode,
  formatDiagnostic,
  formatDiagnostics,
  formatPath,
  hasErrors,
  type KeyPath,
  type Severity,
  type SourceLocation,
  sortDiagnostics,
} from "./diagnostic.ts";
export { type DeployInput, type Environment, type InterpolationResult, interpolate } from "./interpolate.ts";
export { ARCHITECTURE_SCHEMA_ID, architectureJsonSchema } from "./json-schema.ts";
export {
  type LoadFileOptions,
  type LoadResult,
  type LoadTextOptions,
  loadArchitectureFile,
  loadArchitectureText,
} from "./load.ts";
export type { LocatePart, Locator } from "./location-index.ts";
export {
  CONFIG_FORMATS,
  type ConfigFormat,
  formatFromFile,
  type ParsedDocument,
  type ParseOptions,
  type ParseResult,
  parseArchitectureText,
} from "./parse.ts";
export {
  type EventCatalogEntry,
  type ResolvedArchitecture,
  type ResolvedResilience,
  type ResolvedService,
  type ResolveOptions,
  resolveArchitecture,
  type ServiceEdge,
} from "./resolve.ts";
export { FIRST_GRPC_PORT, FIRST_HTTP_PORT } from "./resolve-ports.ts";
export { DEFAULT_RESILIENCE } from "./resolve-resilience.ts";
export {
  type Architecture,
  architectureSchema,
  type BulkheadConfig,
  type CircuitBreakerConfig,
  PROTOCOLS,
  type Protocol,
  type RateLimitConfig,
  type RetryConfig,
  SERVICE_TYPES,
  type ServiceConfig,
  type ServiceType,
  serviceSchema,
} from "./schema.ts";
export { DNS_LABEL } from "./validate/service-names.ts";
