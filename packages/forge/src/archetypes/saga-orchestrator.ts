/**
 * `saga-orchestrator`: the architecture's saga (`saga.steps` paired with `saga.compensation`) run by
 * the core orchestrator; each step sends its command to the participants over the bus, state is saved
 * after every step, failures compensate completed steps in reverse (seed 000 "Archetype: Saga
 * Orchestrator"; seed 001/003 CreateOrderSaga).
 * @module
 */
import { code } from "../generators/typescript/code.ts";
import { camelCase, kebabCase, pascalCase, str } from "../generators/typescript/names.ts";
import type { Archetype } from "./archetype.ts";
import { databaseEnv, eventsModule } from "./shared.ts";

export const sagaOrchestratorArchetype: Archetype = {
  type: "saga-orchestrator",
  summary: "coordinates a distributed transaction as a saga with compensations and a saga log.",
  plan({ service, files }) {
    const saga = service.saga ?? {};
    const sagaName = saga.name ?? `${pascalCase(service.name)}Saga`;
    const sagaFile = kebabCase(sagaName);
    const steps = saga.steps ?? [];
    const compensations = saga.compensation ?? [];
    const timeoutSeconds = saga.timeout_seconds ?? 300;
    eventsModule(files, service);
    const stepDefs = steps
      .map((step, i) => {
        const comp = compensations[i];
        const compensation =
          comp === undefined
            ? ""
            : `\n  compensation: {\n    name: ${str(comp)},\n    run: (ctx, signal, info) => participants.send(${str(comp)}, ctx, signal, info),\n  },`;
        return `{\n  name: ${str(step)},\n  execute: async (ctx, signal, info) => {\n    await participants.send(${str(step)}, ctx, signal, info);\n  },${compensation}\n},`;
      })
      .join("\n");
    files.write(
      "src/domain/sagas/saga-participants.ts",
      code`
        import type { SagaStepInfo } from "@allframe/core";

        /**
         * The port through which the saga sends each step's command (and compensation) to its participant.
         * Steps run at least once (again after a crash mid-step), so participants dedupe on
         * \`info.idempotencyKey\` (\`<sagaId>:<step>\`).
         */
        export interface SagaParticipants {
          send(command: string, context: SagaContext, signal: AbortSignal, info: SagaStepInfo): Promise<void>;
        }

        /** The data a saga carries from step to step: the body it was started with. */
        export type SagaContext = Record<string, unknown>;
      `,
    );
    files.write(
      `src/domain/sagas/${sagaFile}.ts`,
      code`
        import type { SagaDefinition } from "@allframe/core";
        import type { SagaContext, SagaParticipants } from "./saga-participants.ts";

        /** ${sagaName}: ${steps.join(" → ")}; compensations ${compensations.join(", ")} run in reverse on failure. */
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
    files.write(
      "src/infrastructure/bus-participants.ts",
      code`
        import { createEvent, type EventBus, type SagaStepInfo } from "@allframe/core";
        import type { SagaContext, SagaParticipants } from "../domain/sagas/saga-participants.ts";

        /** Sends saga commands as events on the bus, keyed and correlated by the saga id. */
        export class BusSagaParticipants implements SagaParticipants {
          readonly #bus: EventBus;
          readonly #source: string;

          constructor(bus: EventBus, source: string) {
            this.#bus = bus;
            this.#source = source;
          }

          async send(command: string, context: SagaContext, signal: AbortSignal, info: SagaStepInfo): Promise<void> {
            signal.throwIfAborted();
            await this.#bus.publish(
              createEvent(command, context, {
                source: this.#source,
                key: info.sagaId,
                headers: { "correlation-id": info.sagaId, "idempotency-key": info.idempotencyKey },
              }),
            );
          }
        }
      `,
    );
    files.write(
      "src/presentation/handlers/saga-handlers.ts",
      code`
        import { AllFrameError, defineHandler, type HandlerDefinition, type SagaOrchestrator, z } from "@allframe/core";

        const byId = z.object({ id: z.string().min(1) });
        const logEntry = z
          .object({
            at: z.string(),
            action: z.enum(["saga", "execute", "compensate"]),
            outcome: z.string(),
            step: z.string().optional(),
            compensation: z.string().optional(),
            attempt: z.number().int().optional(),
            output: z.unknown().optional(),
            error: z.string().optional(),
          })
          .meta({ id: "SagaLogEntry" });
        /** A saga instance: status, steps done and compensated, the saga log; \`context\` is what it was started with. */
        const instance = z
          .object({
            id: z.string(),
            saga: z.string(),
            status: z.string(),
            context: z.unknown(),
            completedSteps: z.array(z.string()),
            compensatedSteps: z.array(z.string()),
            log: z.array(logEntry),
            revision: z.number().int(),
            startedAt: z.string(),
            finishedAt: z.string().optional(),
            error: z.string().optional(),
          })
          .meta({ id: "SagaInstance" });
        const grpc = { service: ${str(`${pascalCase(sagaName)}Service`)} };

        async function found(orchestrator: SagaOrchestrator, id: string) {
          const saga = await orchestrator.get(id);
          if (saga === undefined) throw new AllFrameError("not-found", \`saga \${id} does not exist\`);
          return saga;
        }

        /** Start ${sagaName}, read an instance, its log and its state replayed from the log; list instances. */
        export function sagaHandlers(orchestrator: SagaOrchestrator, saga: string): HandlerDefinition[] {
          return [
            defineHandler({
              kind: "unary",
              name: "startSaga",
              description: \`Starts \${saga} with the input as its context; answers once it completed or compensated.\`,
              input: z.record(z.string(), z.unknown()),
              output: instance,
              rest: { method: "POST", path: "/sagas" },
              graphql: { operation: "mutation" },
              grpc,
              handle: (context) => orchestrator.start(saga, context),
            }),
            defineHandler({
              kind: "unary",
              name: "listSagas",
              description: "Lists saga instances.",
              input: z.object({}),
              output: z.object({ items: z.array(instance) }),
              rest: { method: "GET", path: "/sagas" },
              graphql: { operation: "query", field: "sagas" },
              grpc,
              handle: async () => ({ items: await orchestrator.list() }),
            }),
            defineHandler({
              kind: "unary",
              name: "getSaga",
              description: "One saga instance: status, completed and compensated steps, saga log.",
              input: byId,
              output: instance,
              errors: ["not-found"],
              rest: { method: "GET", path: "/sagas/:id" },
              graphql: { operation: "query", field: "saga" },
              grpc,
              handle: ({ id }) => found(orchestrator, id),
            }),
            defineHandler({
              kind: "unary",
              name: "sagaLog",
              description: "The saga log: every step, compensation and outcome.",
              input: byId,
              output: z.object({ items: z.array(logEntry) }),
              errors: ["not-found"],
              rest: { method: "GET", path: "/sagas/:id/log" },
              graphql: { operation: "query" },
              grpc,
              handle: async ({ id }) => ({ items: (await found(orchestrator, id)).log }),
            }),
            defineHandler({
              kind: "unary",
              name: "replaySaga",
              description: "The saga's state rebuilt from its log alone.",
              input: byId,
              output: instance,
              errors: ["not-found"],
              rest: { method: "GET", path: "/sagas/:id/replay" },
              graphql: { operation: "query", field: "replayedSaga" },
              grpc,
              handle: ({ id }) => orchestrator.replay(id),
            }),
          ];
        }
      `,
    );
    const firstStep = steps[0];
    return {
      imports: [
        'import { openSagaStateStore, SagaOrchestrator } from "@allframe/core";',
        `import { ${camelCase(sagaName)} } from "./domain/sagas/${sagaFile}.ts";`,
        'import { BusSagaParticipants } from "./infrastructure/bus-participants.ts";',
        'import { sagaHandlers } from "./presentation/handlers/saga-handlers.ts";',
      ],
      body: code`
        // Saga state is saved after every step in DATABASE_URL's store (SQLite file by default).
        const sagaStore = openSagaStateStore(config.DATABASE_URL);
        host.onShutdown("saga-store", () => sagaStore.close());
        const orchestrator = new SagaOrchestrator({ store: sagaStore, logger });
        orchestrator.register(${camelCase(sagaName)}(new BusSagaParticipants(bus, SERVICE_NAME)));
        const handlers = sagaHandlers(orchestrator, ${str(sagaName)});
        // Resume sagas a crash interrupted: completed steps never run again.
        host.onStart("saga-recovery", async () => {
          const report = await orchestrator.recover();
          logger.info({ resumed: report.resumed.length, lost: report.lost.length }, "saga recovery done");
        });
      `,
      handlers: "handlers",
      env: [databaseEnv(service)],
      routes: [
        { method: "POST", path: "/sagas", summary: `Start ${sagaName} with the body as its context` },
        { method: "GET", path: "/sagas", summary: "List saga instances" },
        { method: "GET", path: "/sagas/:id", summary: "Saga status, completed steps and saga log" },
        {
          method: "GET",
          path: "/sagas/:id/log",
          summary: "The saga log: every step, compensation and outcome",
        },
        { method: "GET", path: "/sagas/:id/replay", summary: "The saga's state rebuilt from its log alone" },
      ],
      tests: code`
        it("runs ${sagaName} through every step and keeps its log", async () => {
          const started = await svc.request<{ id: string; status: string; completedSteps: string[] }>("/sagas", {
            method: "POST",
            body: { orderId: "order-1" },
          });
          assert.equal(started.status, 201);
          assert.equal(started.body.status, "completed");
          assert.deepEqual(started.body.completedSteps, ${JSON.stringify(steps)});
          const status = await svc.request<{ log: unknown[]; revision: number }>(\`/sagas/\${started.body.id}\`);
          assert.equal(status.status, 200);
          assert.ok(status.body.log.length >= ${steps.length});
          const replayed = await svc.request(\`/sagas/\${started.body.id}/replay\`);
          assert.deepEqual(replayed.body, status.body);${
            firstStep === undefined
              ? ""
              : `\n  const sent = await svc.waitFor(() => svc.published.find((e) => e.type === ${str(firstStep)}));\n  assert.equal(sent.headers["idempotency-key"], \`\${started.body.id}:${firstStep}\`);`
          }
        });

        it("answers 404 for an unknown saga", async () => {
          assert.equal((await svc.request("/sagas/nope")).status, 404);
        });
      `,
      testEnv: { DATABASE_URL: "memory:" },
      idempotentExample: { path: "/sagas", body: { orderId: "order-2" } },
      engines: { database: true },
    };
  },
};
