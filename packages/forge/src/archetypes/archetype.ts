/**
 * The archetype contract. An archetype turns one resolved service into the parts that differ by
 * service type (seed 000 "Phase 2: Service Archetypes"); the shared scaffold (`scaffold.ts`) wraps
 * them into a runnable service on `@allframe/core`. Archetypes write only through `ServiceFiles`, which
 * writes into the in-memory tree under `services/<name>/`.
 * @module
 */
import type { ResolvedArchitecture, ResolvedService } from "../config/resolve.ts";
import type { ServiceType } from "../config/schema.ts";

/** Writes a file relative to the service's folder, e.g. `src/domain/entities/user.ts`. */
export interface ServiceFiles {
  write(path: string, content: string): void;
}

/** A route the service serves, for its README, the architecture docs and the dev table. */
export interface RouteSpec {
  readonly method: "GET" | "POST" | "PUT" | "DELETE" | "WS";
  readonly path: string;
  readonly summary: string;
}

/** An environment variable the service reads, with its zod schema as TypeScript source. */
export interface EnvVarSpec {
  readonly name: string;
  /** A zod expression over `z`, e.g. `z.coerce.number().int().positive().default(60)`. */
  readonly schema: string;
  readonly description: string;
}

/** Which real engines a service can switch to, for docker-compose and the README. */
export interface EngineNeeds {
  readonly database?: boolean;
  readonly redis?: boolean;
}

/** What an archetype contributes to its service. */
export interface ServicePlan {
  /** Import lines for `src/service.ts` (relative imports use `.ts`). */
  readonly imports: readonly string[];
  /** Statements inside `createService`, after `config`, `host` and `bus` exist. */
  readonly body: string;
  /**
   * The variable `body` leaves holding the service's handler definitions; the scaffold serves them over
   * the service's `protocols` (REST, GraphQL, gRPC) with `serveProtocols`. Absent: routes are Hono only.
   */
  readonly handlers?: string;
  readonly env: readonly EnvVarSpec[];
  readonly routes: readonly RouteSpec[];
  /** `it(...)` blocks for `src/service.test.ts`; in scope: `url`, `host`, `bus`, `json`, `waitFor`. */
  readonly tests: string;
  /** Extra import lines for `src/service.test.ts`. */
  readonly testImports?: readonly string[];
  /** Extra env for the generated tests, e.g. `{ DATABASE_URL: "memory:" }`. */
  readonly testEnv?: Readonly<Record<string, string>>;
  /**
   * A request that creates something, for the generated Idempotency-Key test when the service has
   * `[services.idempotency] enabled = true`: a POST path and its JSON body.
   */
  readonly idempotentExample?: { readonly path: string; readonly body: unknown };
  /** Extra README sections (Markdown, starting at `##`), placed after the environment table. */
  readonly readme?: string;
  /** npm dependencies beyond `@allframe/core`, name → version range. */
  readonly dependencies?: Readonly<Record<string, string>>;
  /** npm scripts beyond `start` and `test`, name → command run in the service's folder (e.g. `migrate`). */
  readonly scripts?: Readonly<Record<string, string>>;
  readonly engines: EngineNeeds;
}

/** Everything an archetype may read. */
export interface ArchetypeContext {
  readonly architecture: ResolvedArchitecture;
  readonly service: ResolvedService;
  readonly files: ServiceFiles;
}

/** One service type's generator. */
export interface Archetype {
  readonly type: ServiceType;
  /** One line for docs: what this kind of service does. */
  readonly summary: string;
  plan(context: ArchetypeContext): ServicePlan;
}
