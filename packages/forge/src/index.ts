/**
 * `@allframe/forge`: the generator. Load and validate an architecture, generate its workspace into an
 * in-memory tree, plan and emit it, and verify the result.
 * @module
 */
export {
  ARCHETYPES,
  type Archetype,
  type RouteSpec,
  type ScaffoldedService,
  type ServicePlan,
} from "./archetypes/index.ts";
export {
  architectureJsonSchema,
  type Diagnostic,
  type EventCatalogEntry,
  formatDiagnostic,
  formatDiagnostics,
  type LoadResult,
  loadArchitectureFile,
  loadArchitectureText,
  type ResolvedArchitecture,
  type ResolvedService,
  SERVICE_TYPES,
  type ServiceType,
} from "./config/index.ts";
export { DEV_JWT_SECRET } from "./generators/workspace/dev-defaults.ts";
export { type Generated, type GenerateProgress, generateWorkspace } from "./ignite/generate.ts";
export { GENERATOR, type IgniteOptions, type IgniteResult, ignite } from "./ignite/ignite.ts";
export { checkEventSchemas, validateEventSchemaFolder } from "./schemas/check-event-schemas.ts";
export {
  EVENT_SCHEMA_FILE,
  EVENTS_FOLDER,
  type EventSchemaFile,
  readEventSchemaFolder,
} from "./schemas/event-schema-folder.ts";
export {
  type ChangeKind,
  EmitConflictError,
  type EmitPlan,
  FileTree,
  type PlannedChange,
  planEmit,
  summarizePlan,
} from "./tree/index.ts";
export { type VerifyResult, type VerifyStepResult, verifyWorkspace } from "./verify/verify.ts";
