/**
 * Pieces more than one archetype generates: the database variable and the module listing the events a
 * service publishes and consumes.
 * @module
 */
import type { ResolvedArchitecture, ResolvedService } from "../config/resolve.ts";
import { code } from "../generators/typescript/code.ts";
import { str } from "../generators/typescript/names.ts";
import type { EnvVarSpec, ServiceFiles } from "./archetype.ts";

/** `DATABASE_URL`, defaulting to a SQLite file named after the service (the embedded durable store). */
export function databaseEnv(service: ResolvedService): EnvVarSpec {
  return {
    name: "DATABASE_URL",
    schema: `z.string().default(${str(`sqlite:.data/${service.name}.sqlite`)})`,
    description: "Store: sqlite:<file> (default), memory:, or postgres://user:password@host:5432/db.",
  };
}

function constList(names: readonly string[]): string {
  return names.length === 0 ? "[] as const" : `[${names.map(str).join(", ")}] as const`;
}

/** Writes `src/domain/events/events.ts`: the event names this service publishes and consumes. */
export function eventsModule(files: ServiceFiles, service: ResolvedService): void {
  files.write(
    "src/domain/events/events.ts",
    code`
      /** Events ${service.name} publishes, as declared in the architecture. */
      export const PUBLISHED_EVENTS = ${constList(service.publishes)};
      export type PublishedEvent = (typeof PUBLISHED_EVENTS)[number];

      /** Events ${service.name} consumes, as declared in the architecture. */
      export const CONSUMED_EVENTS = ${constList(service.consumes)};
      export type ConsumedEvent = (typeof CONSUMED_EVENTS)[number];
    `,
  );
}

/** The Idempotency-Key wiring of a service whose `[services.idempotency]` is enabled, or undefined. */
export function idempotencyWiring(
  service: ResolvedService,
):
  | { env: EnvVarSpec; statements: string; middleware: string; keyHeader: string; ttlHours: number }
  | undefined {
  const idempotency = service.idempotency;
  if (idempotency?.enabled !== true) return undefined;
  const keyHeader = idempotency.key_header ?? "Idempotency-Key";
  const ttlHours = idempotency.ttl_hours ?? 24;
  const storage = idempotency.storage ?? "sqlite";
  return {
    keyHeader,
    ttlHours,
    env: {
      name: "IDEMPOTENCY_STORE_URL",
      schema: `z.string().default(${str(`sqlite:.data/${service.name}-idempotency.sqlite`)})`,
      description: `Idempotency key store (the architecture names ${storage}): sqlite:<file>, memory:, postgres://..., redis://...`,
    },
    statements: code`
      // Idempotency-Key (Stripe semantics): a retried call replays the first answer instead of running twice.
      const idempotencyStore = openIdempotencyStore(config.IDEMPOTENCY_STORE_URL);
      host.onShutdown("idempotency-store", () => idempotencyStore.close());
    `,
    middleware: code`
      host.app.use(
        "*",
        idempotencyMiddleware({ store: idempotencyStore, keyHeader: ${str(keyHeader)}, ttlMs: ${ttlHours} * HOUR_MS }),
      );
    `,
  };
}

/** The protobuf package of a service's gRPC API, e.g. `e_commerce_platform.user_service.v1`. */
export function grpcPackage(architecture: ResolvedArchitecture, service: ResolvedService): string {
  const segment = (name: string) =>
    name
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, "_")
      .replace(/^_+|_+$/g, "");
  return `${segment(architecture.architecture.architecture.name)}.${segment(service.name)}.v1`;
}
