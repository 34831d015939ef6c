/**
 * Saga participation in the generated services: which commands a service serves (the rules live in
 * `config/saga-routes.ts`, so the resolver's event catalog and the generators agree), the wiring that
 * serves them, and the mapping table for the docs.
 * @module
 */
import type { ResolvedArchitecture, ResolvedService } from "../config/resolve.ts";
import { allSagaCommandRoutes, type SagaCommandRoute, sagaCommandRoutes } from "../config/saga-routes.ts";
import type { EnvVarSpec } from "./archetype.ts";
import { idempotencyWiring } from "./shared.ts";

export type { SagaCommandRoute } from "../config/saga-routes.ts";

/** The route of every command of `orchestrator`'s saga, steps first then compensations, in file order. */
export function sagaRoutes(
  architecture: ResolvedArchitecture,
  orchestrator: ResolvedService,
): SagaCommandRoute[] {
  return sagaCommandRoutes(architecture.architecture, orchestrator.index);
}

/** The commands `service` handles for the sagas of the architecture (none for a non-participant). */
export function commandsHandledBy(
  architecture: ResolvedArchitecture,
  service: ResolvedService,
): SagaCommandRoute[] {
  return allSagaCommandRoutes(architecture.architecture).filter((r) => r.service === service.name);
}

/** `SAGA_COMMAND_STORE_URL`: where a participant keeps each command's reply, for redeliveries. */
export function sagaCommandStoreEnv(service: ResolvedService): EnvVarSpec {
  return {
    name: "SAGA_COMMAND_STORE_URL",
    schema: `z.string().default("sqlite:.data/${service.name}-saga-commands.sqlite")`,
    description:
      "Replies to saga commands, kept so a redelivered or re-sent command runs once: sqlite:<file>, memory:, postgres://..., redis://...",
  };
}

/**
 * Statements that serve `handlers` (a TypeScript expression of type `Record<string, SagaCommandHandler>`)
 * from `SERVICE_NAME`'s consumer group once the service starts, deduplicated in `SAGA_COMMAND_STORE_URL`.
 * Uses `openIdempotencyStore` and `serveSagaCommands` from `@allframe/core`.
 */
export function serveSagaCommandsStatements(handlers: string, routes: readonly SagaCommandRoute[]): string {
  return [
    `// Saga commands (${routes.map((r) => r.command).join(", ")}): each runs once per idempotency key and`,
    "// is answered on its reply-to topic; a redelivered or re-sent one is answered from this store.",
    "const sagaCommandStore = openIdempotencyStore(config.SAGA_COMMAND_STORE_URL);",
    'host.onShutdown("saga-command-store", () => sagaCommandStore.close());',
    'host.onStart("saga-commands", async () => {',
    `  const served = serveSagaCommands(bus, ${handlers}, { group: SERVICE_NAME, store: sagaCommandStore, logger });`,
    '  host.onShutdown("saga-commands", () => served.close(), "drain");',
    "  await served.ready;",
    "});",
  ].join("\n");
}

/**
 * The `@allframe/core` import line {@link serveSagaCommandsStatements} needs in `service`, plus `extra`
 * names; `openIdempotencyStore` only when the scaffold does not import it already (idempotency on).
 */
export function serveSagaCommandsImport(service: ResolvedService, extra: readonly string[] = []): string {
  const store = idempotencyWiring(service) === undefined ? ["openIdempotencyStore"] : [];
  return `import { ${[...extra, ...store, "serveSagaCommands"].join(", ")} } from "@allframe/core";`;
}

/** A Markdown table of a saga's routes, for the README and the architecture docs. */
export function sagaRoutesTable(routes: readonly SagaCommandRoute[]): string {
  const rows = routes.map((r) => {
    const what =
      r.kind === "gateway"
        ? "runs it through its provider port (breaker, retry)"
        : r.kind === "event-sourced"
          ? "appends it to its aggregate's stream"
          : "records it in the orchestrator's store";
    const events = r.succeeded.length === 0 ? "" : `; then publishes ${r.succeeded.join(", ")}`;
    return `| ${r.command} | ${r.role} | ${r.service} | ${what}${events} |`;
  });
  return ["| Command | Role | Participant | What it does |", "|---|---|---|---|", ...rows].join("\n");
}
