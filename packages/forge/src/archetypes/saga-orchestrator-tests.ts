/**
 * The generated tests of a saga orchestrator: stand-ins serve the commands other services handle (on the
 * harness's bus, as those services would), the service's own local participant serves the rest; the saga
 * completes through them, and a failing stand-in makes it compensate in reverse and cancel the aggregate.
 * @module
 */

import type { SagaCommandRoute } from "../config/saga-routes.ts";
import { code } from "../generators/typescript/code.ts";
import { str } from "../generators/typescript/names.ts";
import type { ServicePlan } from "./archetype.ts";

/** What the tests are generated from. */
export interface SagaOrchestratorTestInput {
  readonly sagaName: string;
  readonly steps: readonly string[];
  readonly compensations: readonly string[];
  readonly routes: readonly SagaCommandRoute[];
  /** The aggregate whose lifecycle events the orchestrator publishes, e.g. `Order`. */
  readonly agg: string;
}

/** The plan's `tests` and `testImports`. */
export function sagaOrchestratorTests(
  input: SagaOrchestratorTestInput,
): Pick<ServicePlan, "tests" | "testImports"> {
  const { sagaName, steps, compensations, routes, agg } = input;
  const remote = routes.filter((r) => r.kind !== "local");
  const remoteSteps = remote.filter((r) => r.role === "step").map((r) => r.command);
  const failing = remoteSteps.at(-1);
  const firstStep = steps[0];
  const localEvents = routes.filter((r) => r.kind === "local").flatMap((r) => r.succeeded);
  const failureTest =
    failing === undefined
      ? ""
      : (() => {
          const done = steps.slice(0, steps.indexOf(failing));
          const undoneRemote = compensations
            .slice(0, done.length)
            .filter((c) => remote.some((r) => r.command === c))
            .reverse();
          return code`

            it("compensates completed steps in reverse when ${failing} fails, and cancels the ${agg}", async () => {
              failing.add(${str(failing)});
              try {
                const started = await svc.request<Saga>("/sagas", { method: "POST", body: { orderId: "order-3" } });
                const saga = await ended(started.body.id);
                assert.equal(saga.status, "compensated");
                assert.deepEqual(saga.compensatedSteps, ${JSON.stringify([...done].reverse())});
                assert.deepEqual(
                  handled.filter((c) => c.sagaId === saga.id && ${JSON.stringify(undoneRemote)}.includes(c.command)).map((c) => c.command),
                  ${JSON.stringify(undoneRemote)},
                );
                await svc.waitFor(() => statusesOf(saga.id).includes("cancelled"));
                assert.deepEqual(statusesOf(saga.id), ["pending", "cancelling", "cancelled"]);
              } finally {
                failing.clear();
              }
            });
          `;
        })();
  const standInBlock =
    remote.length === 0
      ? ""
      : code`
          /** Stand-ins for the other services' participants, recording what they handled; \`failing\` ones refuse. */
          const handled: Array<{ command: string; sagaId: string }> = [];
          const failing = new Set<string>();
          const standIn: SagaCommandHandler = async (_data, { command, sagaId }) => {
            if (failing.has(command)) throw new AllFrameError("unavailable", \`\${command} refused by the test\`);
            handled.push({ command, sagaId });
            return { [\`\${command}At\`]: "now" };
          };
          before(async () => {
            const served = serveSagaCommands(svc.bus, {
              ${remote.map((r) => `${r.command}: standIn,`).join("\n")}
            }, { group: "stand-ins", store: new MemoryIdempotencyStore() });
            await served.ready;
          });
        `;
  return {
    testImports:
      remote.length === 0
        ? []
        : [
            'import { AllFrameError, MemoryIdempotencyStore, type SagaCommandHandler, serveSagaCommands } from "@allframe/core";',
          ],
    tests: code`
      ${standInBlock.trimEnd()}

      /** One saga's events of \`type\` (by their data's \`id\`), and its ${agg}'s statuses, as published so far. */
      const ofSaga = (type: string, id: string) =>
        svc.published.filter((e) => e.type === type && (e.data as { id?: string }).id === id);
      const statusesOf = (id: string) =>
        ofSaga(${str(`${agg}StatusChanged`)}, id).map((e) => (e.data as { status: string }).status);
      type Saga = { id: string; status: string; completedSteps: string[]; compensatedSteps: string[]; context: Record<string, unknown>; log: unknown[] };
      /** Polls GET /sagas/:id until the saga has ended (POST /sagas answers while it runs). */
      const ended = (id: string) =>
        svc.waitFor(async () => {
          const { body } = await svc.request<Saga>(\`/sagas/\${id}\`);
          return body.status !== "running" && body.status !== "compensating" && body;
        });

      it("runs ${sagaName} through its participants, keeps its log and publishes the ${agg} lifecycle", async () => {
        const started = await svc.request<Saga>("/sagas", { method: "POST", body: { orderId: "order-1" } });
        assert.equal(started.status, 201);
        assert.equal(started.body.status, "running", "POST /sagas answers at once; the saga runs on");
        const saga = await ended(started.body.id);
        assert.equal(saga.status, "completed");
        assert.deepEqual(saga.completedSteps, ${JSON.stringify(steps)});
        ${remote.length === 0 ? "" : `assert.deepEqual(handled.filter((c) => c.sagaId === saga.id).map((c) => c.command), ${JSON.stringify(remoteSteps)});`}
        assert.equal(saga.context.orderId, "order-1");
        assert.ok(saga.log.length >= ${steps.length});
        const replayed = await svc.request(\`/sagas/\${saga.id}/replay\`);
        assert.deepEqual(replayed.body, saga);
        await svc.waitFor(() => statusesOf(started.body.id).includes("confirmed"));
        assert.deepEqual(statusesOf(started.body.id), ["pending", "confirmed"]);
        assert.equal(ofSaga(${str(`${agg}Created`)}, started.body.id).length, 1);${
          localEvents.length === 0
            ? ""
            : `\n  for (const type of ${JSON.stringify(localEvents)}) await svc.waitFor(() => ofSaga(type, started.body.id).length === 1);`
        }${
          firstStep === undefined
            ? ""
            : `\n  const sent = svc.published.find((e) => e.type === ${str(firstStep)} && e.key === started.body.id);\n  assert.equal(sent?.headers["idempotency-key"], \`\${started.body.id}:${firstStep}\`);`
        }
      });
      ${failureTest.trimEnd()}

      it("answers 404 for an unknown saga", async () => {
        assert.equal((await svc.request("/sagas/nope")).status, 404);
      });
    `,
  };
}
