/**
 * `architecture.toml` resilience tables → {@link ResiliencePolicy}: the keys of the forge's
 * `[resilience]` table and of a service's `circuit_breaker` / `retry` / `bulkhead` / `rate_limit`
 * tables (also `integrations.*` of a gateway and `bff.rate_limit`), and the forge's resolved
 * per-service settings, which use the same keys.
 *
 * Source: seed 000 "Resilience Defaults"; the reference example's payment-gateway and web-bff.
 * @module
 */
import { AllFrameError, type ErrorIssue, isAllFrameError } from "../errors/allframe-error.ts";
import { formatIssues } from "../runtime/zod-issues.ts";
import { definePolicy, type ResiliencePolicy, type ResiliencePolicyInput } from "./policy.ts";

/**
 * The resilience keys of `architecture.toml`, as the TOML writes them (snake_case; times in ms).
 * Every key optional; a missing key takes the default of {@link definePolicy}.
 */
export interface ArchitectureResilienceTable {
  readonly circuit_breaker?: {
    readonly failure_threshold?: number;
    readonly success_threshold?: number;
    readonly timeout_ms?: number;
  };
  readonly retry?: {
    readonly max_attempts?: number;
    readonly initial_interval_ms?: number;
    readonly max_interval_ms?: number;
    readonly multiplier?: number;
    readonly idempotent_only?: boolean;
  };
  readonly bulkhead?: { readonly max_concurrent?: number; readonly max_queue?: number };
  readonly rate_limit?: { readonly rps?: number; readonly burst?: number; readonly per?: string };
}

/** Architecture section → [policy section, architecture key → policy field]. */
const KEY_MAP = {
  circuit_breaker: [
    "circuitBreaker",
    {
      failure_threshold: "failureThreshold",
      success_threshold: "successThreshold",
      timeout_ms: "openTimeoutMs",
    },
  ],
  retry: [
    "retry",
    {
      max_attempts: "maxAttempts",
      initial_interval_ms: "initialIntervalMs",
      max_interval_ms: "maxIntervalMs",
      multiplier: "multiplier",
      idempotent_only: "idempotentOnly",
    },
  ],
  bulkhead: ["bulkhead", { max_concurrent: "maxConcurrent", max_queue: "maxQueue" }],
  rate_limit: ["rateLimit", { rps: "rps", burst: "burst", per: "per" }],
} as const satisfies Record<keyof ArchitectureResilienceTable, readonly [string, Record<string, string>]>;

type Section = keyof typeof KEY_MAP;
const isSection = (key: string): key is Section => Object.hasOwn(KEY_MAP, key);
const isTable = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/** Policy path (`["retry", "maxAttempts"]`) → architecture path (`["retry", "max_attempts"]`). */
function toArchitecturePath(path: ReadonlyArray<string | number>): Array<string | number> {
  for (const [section, [policySection, fields]] of Object.entries(KEY_MAP)) {
    if (path[0] !== policySection) continue;
    const field = Object.entries(fields).find(([, name]) => name === path[1])?.[0];
    return field === undefined ? [section, ...path.slice(1)] : [section, field, ...path.slice(2)];
  }
  return [...path];
}

/**
 * Builds a policy from architecture resilience tables: `max_attempts` → `retry.maxAttempts`,
 * `circuit_breaker.timeout_ms` → `circuitBreaker.openTimeoutMs`, `rate_limit.per` → `rateLimit.per`,
 * and so on. Sections the table leaves out stay off; keys it leaves out take the defaults.
 *
 * @param table e.g. `{ circuit_breaker: { failure_threshold: 5, timeout_ms: 30000 }, retry:
 *   { max_attempts: 3, idempotent_only: true } }` (payment-gateway's `integrations`), or the forge's
 *   `resolveResilience(arch, service)` result.
 * @param options `name` labels the policy (usually the service name); `path` is where the table sits
 *   in the architecture file, for messages (default `resilience`).
 * @throws AllFrameError `configuration` naming the architecture key, e.g.
 *   `services.payment-gateway.integrations.retry.max_attempts: must be ≥ 1 ...`, for unknown keys,
 *   wrong types and out-of-range values; `issues` carry the same paths.
 */
export function policyFromArchitecture(
  table: ArchitectureResilienceTable,
  options: { readonly name?: string; readonly path?: string } = {},
): ResiliencePolicy {
  const where = options.path ?? "resilience";
  const fail = (issues: ErrorIssue[], cause?: unknown): never => {
    const at = issues.map((issue) => ({ ...issue, path: [where, ...issue.path] }));
    throw new AllFrameError(
      "configuration",
      `${formatIssues(at)}. Fix these keys in architecture.toml (see the [resilience] defaults).`,
      { issues: at, cause },
    );
  };
  if (!isTable(table)) return fail([{ path: [], message: "must be a table of resilience settings" }]);

  const input: Record<string, Record<string, unknown> | string> = {};
  const issues: ErrorIssue[] = [];
  for (const [section, value] of Object.entries(table)) {
    if (value === undefined) continue;
    if (!isSection(section)) {
      issues.push({
        path: [section],
        message: `unknown resilience table; expected one of ${Object.keys(KEY_MAP).join(", ")}`,
      });
      continue;
    }
    if (!isTable(value)) {
      issues.push({ path: [section], message: "must be a table, e.g. { max_attempts = 3 }" });
      continue;
    }
    const [policySection, fields] = KEY_MAP[section];
    const converted: Record<string, unknown> = {};
    for (const [key, field] of Object.entries(value)) {
      const name = (fields as Record<string, string>)[key];
      if (name === undefined) {
        issues.push({
          path: [section, key],
          message: `unknown key; expected one of ${Object.keys(fields).join(", ")}`,
        });
      } else if (field !== undefined) {
        converted[name] = field;
      }
    }
    input[policySection] = converted;
  }
  if (issues.length > 0) return fail(issues);
  if (options.name !== undefined) input.name = options.name;

  try {
    // definePolicy checks every value; the cast only names what the keys were mapped to.
    return definePolicy(input as ResiliencePolicyInput);
  } catch (error) {
    if (!isAllFrameError(error) || error.issues.length === 0) throw error;
    return fail(
      error.issues.map((issue) => ({ path: toArchitecturePath(issue.path), message: issue.message })),
      error,
    );
  }
}
