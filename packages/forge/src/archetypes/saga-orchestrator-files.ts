/**
 * Files of the generated saga orchestrator besides the saga itself: the aggregate's lifecycle events
 * and the saga handlers (start, list, read, log, replay) served over the service's protocols.
 * @module
 */
import { code } from "../generators/typescript/code.ts";
import { camelCase, kebabCase, pascalCase, str } from "../generators/typescript/names.ts";
import type { ServiceFiles } from "./archetype.ts";

/** The aggregate's lifecycle events: `<Aggregate>Created` at the start, `<Aggregate>StatusChanged` on every change; returns the module name. */
export function writeLifecycle(files: ServiceFiles, agg: string): string {
  const file = `${kebabCase(agg)}-lifecycle`;
  files.write(
    `src/application/${file}.ts`,
    code`
      import { createEvent, type EventBus, type SagaStatus, type SagaStatusListener } from "@allframe/core";

      /** The ${agg}'s status for each saga status: pending while the saga runs, confirmed or cancelled at its end. */
      export const ${camelCase(agg)}Status: Readonly<Record<SagaStatus, string>> = {
        running: "pending",
        completed: "confirmed",
        compensating: "cancelling",
        compensated: "cancelled",
        failed: "failed",
      };

      /**
       * Publishes ${agg}Created (the saga's context, with \`id\` the saga id, which is the ${agg}'s id) when a saga
       * starts, and ${agg}StatusChanged \`{ id, status }\` on every status change, with the context's \`userId\` when
       * it has one, so a realtime gateway pushes it to that user only. At most once: a publish that fails is
       * logged by the orchestrator and the saga goes on.
       */
      export function ${camelCase(agg)}Lifecycle(bus: EventBus, source: string): SagaStatusListener {
        return async (saga, previous) => {
          const options = { source, key: saga.id };
          if (previous === undefined) {
            await bus.publish(createEvent(${str(`${agg}Created`)}, { ...(saga.context as Record<string, unknown>), id: saga.id }, options));
          }
          const { userId } = saga.context as { userId?: unknown };
          const owner = typeof userId === "string" && userId !== "" ? { userId } : {};
          const status = ${camelCase(agg)}Status[saga.status];
          await bus.publish(createEvent(${str(`${agg}StatusChanged`)}, { id: saga.id, status, ...owner }, options));
        };
      }
    `,
  );
  return file;
}

/** `src/presentation/handlers/saga-handlers.ts`: the saga's handlers, `sagaHandlers(orchestrator, saga, logger)`. */
export function writeSagaHandlers(files: ServiceFiles, sagaName: string): void {
  files.write(
    "src/presentation/handlers/saga-handlers.ts",
    code`
      import {
        AllFrameError,
        defineHandler,
        type HandlerDefinition,
        type SagaLogger,
        type SagaOrchestrator,
        z,
      } from "@allframe/core";

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
      export function sagaHandlers(orchestrator: SagaOrchestrator, saga: string, logger: SagaLogger): HandlerDefinition[] {
        return [
          defineHandler({
            kind: "unary",
            name: "startSaga",
            description: \`Starts \${saga} with the input as its context; answers at once with the running saga (poll GET /sagas/:id).\`,
            input: z.record(z.string(), z.unknown()),
            output: instance,
            rest: { method: "POST", path: "/sagas" },
            graphql: { operation: "mutation" },
            grpc,
            handle: async (context) => {
              // The participants may take long: answer now, let the saga run on (its state is saved at every step).
              const { instance, finished } = await orchestrator.begin(saga, context);
              finished.catch((error: unknown) => logger.error({ err: error, sagaId: instance.id }, "saga run stopped"));
              return instance;
            },
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
}
