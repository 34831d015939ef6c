/**
 * `saga-orchestrator`: the architecture's saga (`saga.steps` paired with `saga.compensation`) run by
 * the core orchestrator; each step sends its command to its participant over the bus and waits for the
 * reply (`saga-participation.ts` says who handles what), state is saved after every step, failures
 * compensate completed steps in reverse, and the aggregate's lifecycle (`OrderCreated`,
 * `OrderStatusChanged`) is published (seed 000 "Archetype: Saga Orchestrator"; seed 001/003
 * CreateOrderSaga; issue 7).
 * @module
 */
import { code } from "../generators/typescript/code.ts";
import { camelCase, kebabCase, pascalCase, str } from "../generators/typescript/names.ts";
import type { Archetype } from "./archetype.ts";
import { aggregateOf } from "./event-sourced.ts";
import { writeLifecycle, writeSagaHandlers } from "./saga-orchestrator-files.ts";
import { sagaOrchestratorTests } from "./saga-orchestrator-tests.ts";
import { writeLocalSagaCommands } from "./saga-participant-code.ts";
import {
  sagaCommandStoreEnv,
  sagaRoutes,
  sagaRoutesTable,
  serveSagaCommandsImport,
  serveSagaCommandsStatements,
} from "./saga-participation.ts";
import { databaseEnv, eventsModule } from "./shared.ts";

export const sagaOrchestratorArchetype: Archetype = {
  type: "saga-orchestrator",
  summary: "coordinates a distributed transaction as a saga with compensations and a saga log.",
  plan({ architecture, service, files }) {
    const saga = service.saga ?? {};
    const sagaName = saga.name ?? `${pascalCase(service.name)}Saga`;
    const sagaFile = kebabCase(sagaName);
    const steps = saga.steps ?? [];
    const compensations = saga.compensation ?? [];
    const timeoutSeconds = saga.timeout_seconds ?? 300;
    eventsModule(files, service);
    const routes = sagaRoutes(architecture, service);
    const local = routes.filter((r) => r.kind === "local");
    const agg = aggregateOf(service);
    const lifecycle = writeLifecycle(files, agg);
    if (local.length > 0) writeLocalSagaCommands(files, local);
    const stepDefs = steps
      .map((step, i) => {
        const comp = compensations[i];
        const compensation =
          comp === undefined
            ? ""
            : `\n  compensation: {\n    name: ${str(comp)},\n    run: async (ctx, signal, info) => {\n      await participants.send(${str(comp)}, ctx, signal, info);\n    },\n  },`;
        return `{\n  name: ${str(step)},\n  execute: (ctx, signal, info) => participants.send(${str(step)}, ctx, signal, info),${compensation}\n},`;
      })
      .join("\n");
    files.write(
      "src/domain/sagas/saga-participants.ts",
      code`
        import type { SagaStepInfo } from "@allframe/core";

        /**
         * The port through which the saga sends each step's command (and compensation) to its participant
         * and gets its reply: the output to merge into the context, or a rejection that fails the step.
         * Steps run at least once (again after a crash mid-step), so participants dedupe on
         * \`info.idempotencyKey\` (\`<sagaId>:<step>\`). \`SagaCommandSender\` implements it over the bus.
         */
        export interface SagaParticipants {
          send(command: string, context: SagaContext, signal: AbortSignal, info: SagaStepInfo): Promise<SagaContext | undefined>;
        }

        /** The data a saga carries from step to step: the body it was started with, plus each reply's output. */
        export type SagaContext = Record<string, unknown>;
      `,
    );
    files.write(
      `src/domain/sagas/${sagaFile}.ts`,
      code`
        import type { SagaDefinition } from "@allframe/core";
        import type { SagaContext, SagaParticipants } from "./saga-participants.ts";

        /**
         * ${sagaName}: ${steps.join(" → ")}; compensations ${compensations.join(", ")} run in reverse on failure.
         * Participants: ${routes.map((r) => `${r.command} → ${r.service}`).join(", ")}.
         */
        export function ${camelCase(sagaName)}(participants: SagaParticipants): SagaDefinition<SagaContext> {
          return {
            name: ${str(sagaName)},
            timeoutMs: ${timeoutSeconds * 1000},
            steps: [
              ${stepDefs}
            ],
          };
        }
      `,
    );
    writeSagaHandlers(files, sagaName);
    const serveLocal =
      local.length === 0
        ? ""
        : code`
            // Commands no other service handles are carried out here, recorded in DATABASE_URL's store.
            const sagaCommandRecords = openDocumentStore<SagaCommandRecord>({ url: config.DATABASE_URL, collection: "saga_commands" });
            host.onShutdown("saga-command-records", () => sagaCommandRecords.close());
            ${serveSagaCommandsStatements("localSagaCommands(sagaCommandRecords, bus, SERVICE_NAME)", local)}
          `;
    return {
      imports: [
        'import { openSagaStateStore, SagaCommandSender, SagaOrchestrator } from "@allframe/core";',
        ...(local.length === 0
          ? []
          : [
              serveSagaCommandsImport(service, ["openDocumentStore"]),
              'import { localSagaCommands, type SagaCommandRecord } from "./application/local-saga-commands.ts";',
            ]),
        `import { ${camelCase(agg)}Lifecycle } from "./application/${lifecycle}.ts";`,
        `import { ${camelCase(sagaName)} } from "./domain/sagas/${sagaFile}.ts";`,
        'import { sagaHandlers } from "./presentation/handlers/saga-handlers.ts";',
      ],
      body: code`
        // Saga state is saved after every step in DATABASE_URL's store (SQLite file by default).
        const sagaStore = openSagaStateStore(config.DATABASE_URL);
        host.onShutdown("saga-store", () => sagaStore.close());
        // Each step is a command to its participant on the bus; replies come back on saga-reply.<service>.
        const participants = new SagaCommandSender({ bus, source: SERVICE_NAME });
        host.onShutdown("saga-participants", () => participants.close(), "drain");
        const orchestrator = new SagaOrchestrator({
          store: sagaStore,
          logger,
          onStatusChange: ${camelCase(agg)}Lifecycle(bus, SERVICE_NAME),
        });
        orchestrator.register(${camelCase(sagaName)}(participants));
        const handlers = sagaHandlers(orchestrator, ${str(sagaName)}, logger);
        ${serveLocal.trimEnd()}
        // Resume sagas a crash interrupted (completed steps never run again; a step caught mid-way re-sends its
        // command, which its participant answers from its store). Not awaited: participants may start later.
        host.onStart("saga-recovery", () => {
          orchestrator.recover().then(
            (report) => logger.info({ resumed: report.resumed.length, lost: report.lost.length }, "saga recovery done"),
            (error: unknown) => logger.error({ err: error }, "saga recovery failed"),
          );
        });
      `,
      handlers: "handlers",
      env: [databaseEnv(service), ...(local.length === 0 ? [] : [sagaCommandStoreEnv(service)])],
      routes: [
        {
          method: "POST",
          path: "/sagas",
          summary: `Start ${sagaName} with the body as its context; answers at once with the running saga`,
        },
        { method: "GET", path: "/sagas", summary: "List saga instances" },
        { method: "GET", path: "/sagas/:id", summary: "Saga status, completed steps and saga log" },
        {
          method: "GET",
          path: "/sagas/:id/log",
          summary: "The saga log: every step, compensation and outcome",
        },
        { method: "GET", path: "/sagas/:id/replay", summary: "The saga's state rebuilt from its log alone" },
      ],
      readme: code`
        ## Saga participants

        ${sagaName} sends each step and compensation as a command on the bus (idempotency key
        \`<sagaId>:<step>\`, replies on \`saga-reply.${service.name}\`). It publishes ${agg}Created when a saga starts and
        ${agg}StatusChanged \`{ id, status }\` (pending, confirmed, cancelling, cancelled, failed) on every change.

        ${sagaRoutesTable(routes)}
      `,
      ...sagaOrchestratorTests({ sagaName, steps, compensations, routes, agg }),
      testEnv: {
        DATABASE_URL: "memory:",
        ...(local.length === 0 ? {} : { SAGA_COMMAND_STORE_URL: "memory:" }),
      },
      idempotentExample: { path: "/sagas", body: { orderId: "order-2" } },
      engines: { database: true },
    };
  },
};
