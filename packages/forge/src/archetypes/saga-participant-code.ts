/**
 * The generated saga participants (see `saga-participation.ts` for who handles what): for each kind,
 * the module of `SagaCommandHandler`s the service serves with `serveSagaCommands`, and the generated
 * test that proves it answers a command once per idempotency key. Every default does a real,
 * idempotent, observable thing:
 * - gateway: runs the command as an operation on its first provider under the `provider:<name>` policy
 *   (breaker, retry: the idempotency key makes the call safe to retry, bulkhead) and answers
 *   `{ <noun>Reference }`;
 * - event-sourced: appends `<Aggregate>SagaCommandHandled` to the aggregate's stream
 *   (`<noun>Id` from the saga context, else the saga id) and answers `{ <noun>Id, <noun>Version }`;
 * - local (in the orchestrator): records the command in its `DATABASE_URL` store (collection
 *   `saga_commands`) and answers `{ <noun>Reference }` (the idempotency key).
 * A forward step's participant then publishes the step's success events with `{ id: sagaId, ...output }`.
 * @module
 */

import { commandNoun, type SagaCommandRoute } from "../config/saga-routes.ts";
import { code } from "../generators/typescript/code.ts";
import { camelCase, kebabCase, str } from "../generators/typescript/names.ts";
import type { ServiceFiles } from "./archetype.ts";

/** Where the handlers module is written in a participant service. */
export const SAGA_COMMANDS_MODULE = "src/application/saga-commands.ts";

function entries(routes: readonly SagaCommandRoute[], call: (r: SagaCommandRoute) => string): string {
  return routes.map((r) => `${r.command}: ${call(r)},`).join("\n");
}

const succeeded = (r: SagaCommandRoute) => `[${r.succeeded.map(str).join(", ")}]`;

const PUBLISH_SUCCEEDED = code`
  for (const type of succeeded) {
    await bus.publish(createEvent(type, { id: sagaId, ...output }, { source, key: sagaId }));
  }
`;

function describeRoutes(routes: readonly SagaCommandRoute[]): string {
  return routes.map((r) => `${r.command} (${r.role})`).join(", ");
}

/** The gateway's handlers: each command is an operation on `provider` (kebab-case, e.g. `reserve-payment`). */
export function writeGatewaySagaCommands(
  files: ServiceFiles,
  routes: readonly SagaCommandRoute[],
  provider: string,
): void {
  const calls = entries(
    routes,
    (r) =>
      `run(${str(kebabCase(r.command))}, ${str(`${camelCase(commandNoun(r.command))}Reference`)}, ${succeeded(r)})`,
  );
  files.write(
    SAGA_COMMANDS_MODULE,
    code`
      import { AllFrameError, createEvent, type EventBus, type ResilienceOrchestrator, type SagaCommandHandler } from "@allframe/core";
      import type { IntegrationProvider } from "../domain/provider.ts";

      /** What the saga commands run with. \`timeoutMs\` bounds each provider call, retries included. */
      export interface SagaCommandDeps {
        readonly providers: Map<string, IntegrationProvider>;
        readonly resilience: ResilienceOrchestrator;
        readonly bus: EventBus;
        readonly source: string;
        readonly timeoutMs: number;
      }

      /**
       * Saga commands ${describeRoutes(routes)}:
       * each runs as an operation on the ${provider} provider under its \`provider:${provider}\` policy: the
       * breaker, and retries (allowed: the command's idempotency key goes to the provider in the payload).
       * A failure (provider down, breaker open) fails the step, and the saga compensates.
       */
      export function sagaCommandHandlers(deps: SagaCommandDeps): Record<string, SagaCommandHandler> {
        const { resilience, bus, source, timeoutMs } = deps;
        const provider = deps.providers.get(${str(provider)});
        if (provider === undefined) throw new AllFrameError("configuration", ${str(`provider ${provider} is not configured`)});
        const run =
          (operation: string, reference: string, succeeded: readonly string[]): SagaCommandHandler =>
          async (data, { sagaId, idempotencyKey }) => {
            const payload = { ...(data as Record<string, unknown>), idempotencyKey };
            const result = await resilience.execute(
              \`provider:\${provider.name}\`,
              (signal) => provider.execute(operation, payload, signal),
              { idempotent: true, signal: AbortSignal.timeout(timeoutMs) },
            );
            const output = { [reference]: result.reference };
            ${PUBLISH_SUCCEEDED.trimEnd()}
            return output;
          };
        return {
          ${calls.trimEnd()}
        };
      }
    `,
  );
}

/** The event-sourced service's handlers: each command appends `<agg>SagaCommandHandled` to a stream. */
export function writeEventSourcedSagaCommands(
  files: ServiceFiles,
  routes: readonly SagaCommandRoute[],
  agg: string,
): void {
  const id = `${camelCase(agg)}Id`;
  files.write(
    SAGA_COMMANDS_MODULE,
    code`
      import { type CommandHandler, createEvent, type EventBus, type SagaCommandHandler } from "@allframe/core";
      import type { ${agg}Command, ${agg}Event, ${agg}State } from "../domain/aggregates/${kebabCase(agg)}.ts";

      /**
       * Saga commands ${describeRoutes(routes)}:
       * commands on the ${agg} aggregate, each appending an ${agg}SagaCommandHandled event (in the audit
       * trail, and published by the event log) to the stream of the saga context's \`${id}\`, or of the saga
       * id when it carries none. An archived ${agg} refuses (conflict), which fails the step.
       */
      export function sagaCommandHandlers(
        handler: CommandHandler<${agg}Command, ${agg}Event, ${agg}State>,
        bus: EventBus,
        source: string,
      ): Record<string, SagaCommandHandler> {
        const run =
          (succeeded: readonly string[]): SagaCommandHandler =>
          async (data, { sagaId, command }) => {
            const context = data as Record<string, unknown>;
            const id = typeof context.${id} === "string" ? context.${id} : sagaId;
            const result = await handler.handle(\`${agg}-\${id}\`, { type: "Handle${agg}SagaCommand", command, sagaId, data: context });
            const output = { ${id}: id, ${camelCase(agg)}Version: result.version };
            ${PUBLISH_SUCCEEDED.trimEnd()}
            return output;
          };
        return {
          ${entries(routes, (r) => `run(${succeeded(r)})`).trimEnd()}
        };
      }
    `,
  );
}

/** The orchestrator's local participant: records each command it handles in a document store. */
export function writeLocalSagaCommands(files: ServiceFiles, routes: readonly SagaCommandRoute[]): void {
  const calls = entries(
    routes,
    (r) => `record(${str(`${camelCase(commandNoun(r.command))}Reference`)}, ${succeeded(r)})`,
  );
  files.write(
    "src/application/local-saga-commands.ts",
    code`
      import { createEvent, type DocumentStore, type EventBus, type SagaCommandHandler } from "@allframe/core";

      /** A saga command this service handled itself: one document per idempotency key. */
      export interface SagaCommandRecord {
        id: string;
        sagaId: string;
        command: string;
        data: Record<string, unknown>;
        /** ISO 8601. */
        at: string;
      }

      /**
       * Saga commands no other service handles, ${describeRoutes(routes)}:
       * each is recorded in \`records\` (the orchestrator's store) under its idempotency key, and answered
       * with that key as its reference.
       */
      export function localSagaCommands(records: DocumentStore<SagaCommandRecord>, bus: EventBus, source: string): Record<string, SagaCommandHandler> {
        const record =
          (reference: string, succeeded: readonly string[]): SagaCommandHandler =>
          async (data, { sagaId, command, idempotencyKey }) => {
            await records.put({ id: idempotencyKey, sagaId, command, data: data as Record<string, unknown>, at: new Date().toISOString() });
            const output = { [reference]: idempotencyKey };
            ${PUBLISH_SUCCEEDED.trimEnd()}
            return output;
          };
        return {
          ${calls.trimEnd()}
        };
      }
    `,
  );
}

/**
 * A generated participant test: `route`'s command, published as its orchestrator would, is carried out
 * and answered; sent again with the same idempotency key it is answered alike from the store, and
 * `effects` (a TypeScript expression over `svc`) still counts one effect.
 */
export function participantTest(route: SagaCommandRoute, effects?: string): string {
  const orchestrator = route.orchestrator;
  const topic = `saga-reply.${orchestrator}`;
  const first = route.succeeded[0];
  return code`
    it("carries out ${route.command} for ${orchestrator}'s saga once per idempotency key", async () => {
      const headers = { "correlation-id": "saga-1", "idempotency-key": "saga-1:${route.command}", "reply-to": ${str(topic)} };
      const replies = () => svc.published.filter((e) => e.type === ${str(topic)});
      await svc.publish(${str(route.command)}, { orderId: "order-1" }, { key: "saga-1", headers });
      const reply = await svc.waitFor(() => replies()[0]);
      assert.equal((reply.data as { ok: boolean }).ok, true, JSON.stringify(reply.data));${
        first === undefined
          ? ""
          : `\n  await svc.waitFor(() => svc.published.find((e) => e.type === ${str(first)} && (e.data as { id?: string }).id === "saga-1"));`
      }
      await svc.publish(${str(route.command)}, { orderId: "order-1" }, { key: "saga-1", headers });
      const again = await svc.waitFor(() => replies()[1]);
      assert.deepEqual(again.data, reply.data, "a re-sent command is answered from the store");${
        effects === undefined ? "" : `\n  assert.equal(${effects}, 1, "one effect");`
      }
    });
  `;
}

/** A generated gateway test: with its provider failing, the command is answered with a failure. */
export function gatewayFailureTest(route: SagaCommandRoute): string {
  const topic = `saga-reply.${route.orchestrator}`;
  return code`
    it("answers ${route.command} with a failure while the provider is down, so the saga compensates", async () => {
      const failing = await startService(createService, { env: { ...TEST_ENV, FAKE_PROVIDER_FAILURE_RATE: "1" } });
      try {
        const headers = { "correlation-id": "saga-2", "idempotency-key": "saga-2:${route.command}", "reply-to": ${str(topic)} };
        await failing.publish(${str(route.command)}, { orderId: "order-2" }, { key: "saga-2", headers });
        const reply = await failing.waitFor(() => failing.published.find((e) => e.type === ${str(topic)}));
        assert.deepEqual((reply.data as { ok: boolean; error: { code: string } }).ok, false);
        assert.equal((reply.data as { error: { code: string } }).error.code, "unavailable");
      } finally {
        await failing.stop();
      }
    });
  `;
}
