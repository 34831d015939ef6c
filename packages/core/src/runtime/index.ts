/** @module runtime: the service host, configuration, validation, time and ids. */
export {
  type Clock,
  type IdGenerator,
  ManualClock,
  sequentialIds,
  systemClock,
  uuidGenerator,
} from "./clock.ts";
export { type EnvIssue, envBoolean, envInteger, envPort, loadEnvConfig } from "./env-config.ts";
export { type ErrorBody, errorResponse, INTERNAL_ERROR_BODY, notFoundResponse } from "./http-errors.ts";
export { type ReadinessCheck, ReadinessChecks } from "./readiness-checks.ts";
export { routePatternOf, setRoutePattern } from "./route-pattern.ts";
export {
  createServiceHost,
  type ListeningAddress,
  type ServeOptions,
  type ServiceHost,
  type ServiceHostOptions,
  type ShutdownReport,
} from "./service-host.ts";
export {
  type HookOutcome,
  raceDeadline,
  SHUTDOWN_PHASES,
  type ShutdownHook,
  ShutdownHooks,
  type ShutdownPhase,
} from "./shutdown-hooks.ts";
export { TaskGroup, type TaskGroupReport, type TaskHandle, type TaskState } from "./task-group.ts";
export { uuidV7, uuidV7Generator } from "./uuid-v7.ts";
export { parseParams, parseQuery, readJson } from "./validation.ts";
export { formatIssuePath, formatIssues, toErrorIssues } from "./zod-issues.ts";
