/**
 * Saga commands to real participants over an event bus, as a suite every bus runs
 * (`runSagaParticipantScenarios`): success, a participant's failure compensating in reverse, a silent
 * participant timing the step out (fake time), a duplicated command answered once, and an orchestrator
 * restarted mid-step re-sending the command and getting the stored reply. Imported by path from the
 * in-process and NATS tests.
 * @module
 */
import assert from "node:assert/strict";
import { describe, it, mock } from "node:test";
import { AllFrameError, hasErrorCode } from "../../errors/allframe-error.ts";
import { MemoryIdempotencyStore } from "../../idempotency/memory-idempotency-store.ts";
import type { EventBus } from "../../messaging/event-bus.ts";
import { createEvent, type EventEnvelope } from "../../messaging/event-envelope.ts";
import { InMemorySagaStateStore } from "../in-memory-saga-state-store.ts";
import type { SagaDefinition } from "../saga-definition.ts";
import type { SagaInstance } from "../saga-instance.ts";
import { SagaOrchestrator } from "../saga-orchestrator.ts";
import type { SagaListOptions, SagaStateStore } from "../saga-state-store.ts";
import { SAGA_HEADERS, sagaReplyTopic } from "./saga-command-protocol.ts";
import { SagaCommandSender } from "./saga-command-sender.ts";
import { type SagaCommandHandler, serveSagaCommands } from "./serve-saga-commands.ts";

type Ctx = Record<string, unknown>;
const SOURCE = "order-service";
const STEPS = [
  ["ValidateInventory", "ReleaseInventory"],
  ["ReservePayment", "RefundPayment"],
  ["CreateShipment", "CancelShipment"],
] as const;

/** CreateOrderSaga whose every step and compensation is a command sent through `sender`. */
function createOrderSaga(sender: SagaCommandSender, timeoutMs = 5_000): SagaDefinition<Ctx> {
  return {
    name: "CreateOrderSaga",
    steps: STEPS.map(([step, undo]) => ({
      name: step,
      timeoutMs,
      execute: (ctx, signal, info) => sender.send(step, ctx, signal, info),
      compensation: {
        name: undo,
        run: async (ctx, signal, info) => void (await sender.send(undo, ctx, signal, info)),
      },
    })),
  };
}

/** Handlers recording each run in `effects`; `fail` names commands that refuse, `silent` ones never answered. */
function participants(effects: string[], fail: readonly string[] = []): Record<string, SagaCommandHandler> {
  const handlers: Record<string, SagaCommandHandler> = {};
  for (const name of STEPS.flat()) {
    handlers[name] = async (data, { idempotencyKey }) => {
      if (fail.includes(name)) throw new AllFrameError("unavailable", `${name} refused by the provider`);
      effects.push(`${name} ${idempotencyKey}`);
      return { [`${name}Done`]: (data as Ctx).orderId };
    };
  }
  return handlers;
}

/** Subscribes a spy to `type`; `events` resolves with the first `count` events it sees from now on. */
async function seen(
  bus: EventBus,
  type: string,
  count = 1,
): Promise<{ events: Promise<EventEnvelope[]>; stop: () => Promise<void> }> {
  const events: EventEnvelope[] = [];
  let done: (events: EventEnvelope[]) => void = () => {};
  const all = new Promise<EventEnvelope[]>((resolve) => {
    done = resolve;
  });
  const sub = bus.subscribe(type, async (event) => {
    events.push(event);
    if (events.length === count) done(events);
  });
  await sub.ready;
  return { events: all, stop: () => sub.unsubscribe() };
}

/** A store that stops saving (every save hangs, nothing written) once `crashed`: the process died. */
class CrashableStore implements SagaStateStore {
  crashed = false;
  readonly #inner: SagaStateStore;
  constructor(inner: SagaStateStore) {
    this.#inner = inner;
  }
  save(instance: SagaInstance): Promise<void> {
    return this.crashed ? new Promise<never>(() => {}) : this.#inner.save(instance);
  }
  load(id: string) {
    return this.#inner.load(id);
  }
  list(opts?: SagaListOptions) {
    return this.#inner.list(opts);
  }
  close() {
    return this.#inner.close();
  }
}

/** Options of {@link runSagaParticipantScenarios}. */
export interface SagaParticipantScenarioOptions {
  /** Why the fake-time timeout scenario cannot run on this bus (its client keeps its own timers). */
  readonly skipFakeTime?: string;
}

/** Registers the scenarios as one `describe` over buses made by `newBus` (one per scenario). */
export function runSagaParticipantScenarios(
  name: string,
  newBus: () => EventBus,
  opts: SagaParticipantScenarioOptions = {},
): void {
  describe(`saga participants over ${name}`, () => {
    /** A bus, `handlers` (default: recording ones, `fail` refusing) served on it, and a sender. */
    const setup = async (handlers?: Record<string, SagaCommandHandler>, fail: readonly string[] = []) => {
      const bus = newBus();
      const effects: string[] = [];
      const store = new MemoryIdempotencyStore();
      const served = serveSagaCommands(bus, handlers ?? participants(effects, fail), {
        group: "participants",
        store,
      });
      await served.ready;
      const sender = new SagaCommandSender({ bus, source: SOURCE });
      const close = async () => {
        await sender.close();
        await served.close();
        await bus.close();
      };
      return { bus, effects, sender, close };
    };

    it("runs every step at its participant and merges the replies into the context", async () => {
      const { effects, sender, close } = await setup();
      try {
        const orchestrator = new SagaOrchestrator();
        orchestrator.register(createOrderSaga(sender));
        const run = await orchestrator.start<Ctx>("CreateOrderSaga", { orderId: "o-1" });
        assert.equal(run.status, "completed", run.error);
        assert.deepEqual(
          effects,
          STEPS.map(([step]) => `${step} ${run.id}:${step}`),
        );
        assert.deepEqual(run.context, {
          orderId: "o-1",
          ValidateInventoryDone: "o-1",
          ReservePaymentDone: "o-1",
          CreateShipmentDone: "o-1",
        });
      } finally {
        await close();
      }
    });

    it("rejects with the participant's code and message, and compensates completed steps in reverse", async () => {
      const { effects, sender, close } = await setup(undefined, ["CreateShipment"]);
      try {
        const info = { sagaId: "s-0", saga: "CreateOrderSaga", step: "CreateShipment", attempt: 1 };
        await assert.rejects(
          sender.send("CreateShipment", {}, new AbortController().signal, {
            ...info,
            idempotencyKey: "s-0:x",
          }),
          (e) => hasErrorCode(e, "unavailable") && /CreateShipment refused by the provider/.test(e.message),
        );
        const changes: string[] = [];
        const orchestrator = new SagaOrchestrator({
          onStatusChange: (instance, previous) => void changes.push(`${previous}->${instance.status}`),
        });
        orchestrator.register(createOrderSaga(sender));
        const run = await orchestrator.start<Ctx>("CreateOrderSaga", { orderId: "o-2" });
        assert.equal(run.status, "compensated");
        assert.deepEqual(changes, [
          "undefined->running",
          "running->compensating",
          "compensating->compensated",
        ]);
        assert.match(run.error ?? "", /CreateShipment refused by the provider/);
        assert.deepEqual(
          effects.map((e) => e.split(" ")[0]),
          ["ValidateInventory", "ReservePayment", "RefundPayment", "ReleaseInventory"],
        );
        assert.deepEqual(run.compensatedSteps, ["ReservePayment", "ValidateInventory"]);
      } finally {
        await close();
      }
    });

    it("times a silent participant's step out, stops waiting and compensates", {
      skip: opts.skipFakeTime,
    }, async () => {
      const effects: string[] = [];
      const { ReservePayment: _, ...served } = participants(effects); // nobody answers ReservePayment
      const { bus, sender, close } = await setup(served);
      const sent = await seen(bus, "ReservePayment");
      mock.timers.enable({ apis: ["setTimeout"] });
      try {
        const orchestrator = new SagaOrchestrator();
        orchestrator.register(createOrderSaga(sender, 1_000));
        const running = orchestrator.start<Ctx>("CreateOrderSaga", { orderId: "o-3" });
        await sent.events;
        mock.timers.tick(1_000);
        const run = await running;
        assert.equal(run.status, "compensated");
        assert.match(run.error ?? "", /step "ReservePayment" timed out after 1000 ms/);
        assert.deepEqual(
          effects.map((e) => e.split(" ")[0]),
          ["ValidateInventory", "ReleaseInventory"],
        );
      } finally {
        mock.timers.reset();
        await sent.stop();
        await close();
      }
    });

    it("stops waiting for a reply when the step's signal aborts", async () => {
      const { ReservePayment: _, ...served } = participants([]);
      const { bus, sender, close } = await setup(served);
      const sent = await seen(bus, "ReservePayment");
      try {
        const controller = new AbortController();
        const info = { sagaId: "s-6", saga: "CreateOrderSaga", step: "ReservePayment", attempt: 1 };
        const waiting = sender.send("ReservePayment", {}, controller.signal, {
          ...info,
          idempotencyKey: "s-6:r",
        });
        await sent.events;
        controller.abort(new AllFrameError("timeout", "step deadline"));
        await assert.rejects(waiting, (e) => hasErrorCode(e, "timeout") && e.message === "step deadline");
      } finally {
        await sent.stop();
        await close();
      }
    });

    it("runs a duplicated command once and answers both deliveries with the same reply", async () => {
      const { bus, effects, close } = await setup();
      const replies = await seen(bus, sagaReplyTopic(SOURCE), 2);
      try {
        const command = createEvent(
          "ReservePayment",
          { orderId: "o-4" },
          {
            source: SOURCE,
            key: "s-4",
            headers: {
              [SAGA_HEADERS.correlationId]: "s-4",
              [SAGA_HEADERS.idempotencyKey]: "s-4:ReservePayment",
              [SAGA_HEADERS.replyTo]: sagaReplyTopic(SOURCE),
            },
          },
        );
        await bus.publish(command);
        await bus.publish({ ...command, id: `${command.id}-redelivered` });
        const [first, second] = await replies.events;
        assert.deepEqual(effects, ["ReservePayment s-4:ReservePayment"]);
        assert.deepEqual(first?.data, { ok: true, output: { ReservePaymentDone: "o-4" } });
        assert.deepEqual(second?.data, first?.data);
        assert.equal(second?.headers[SAGA_HEADERS.idempotencyKey], "s-4:ReservePayment");
      } finally {
        await replies.stop();
        await close();
      }
    });

    it("re-sends a step after an orchestrator restart and takes the participant's stored reply", async () => {
      const effects: string[] = [];
      const sagaStore = new InMemorySagaStateStore();
      const dying = new CrashableStore(sagaStore);
      const handlers = participants(effects);
      const reserve = handlers.ReservePayment as SagaCommandHandler;
      handlers.ReservePayment = async (data, ctx) => {
        dying.crashed = true; // the orchestrator dies while the participant works: it saves nothing more
        return reserve(data, ctx);
      };
      const { bus, sender, close } = await setup(handlers);
      const replies = await seen(bus, sagaReplyTopic(SOURCE), 2);
      const sent = await seen(bus, "ReservePayment", 2);
      const restarted = new SagaCommandSender({ bus, source: SOURCE });
      try {
        const first = new SagaOrchestrator({ store: dying });
        first.register(createOrderSaga(sender));
        void first.start<Ctx>("CreateOrderSaga", { orderId: "o-5" }); // never finishes: its saves hang
        await replies.events; // ValidateInventory's and ReservePayment's: answered, but never recorded
        const second = new SagaOrchestrator({ store: sagaStore });
        second.register(createOrderSaga(restarted));
        const report = await second.recover();
        const run = report.resumed[0];
        assert.equal(run?.status, "completed", run?.error);
        assert.deepEqual(
          effects.map((e) => e.split(" ")[0]),
          ["ValidateInventory", "ReservePayment", "CreateShipment"],
        );
        const starts = run.log.filter(
          (e) => e.action === "execute" && e.step === "ReservePayment" && e.outcome === "started",
        );
        assert.deepEqual(
          starts.map((e) => (e.action === "execute" ? e.attempt : 0)),
          [1, 2],
        );
        const commands = await sent.events;
        assert.equal(commands[1]?.headers[SAGA_HEADERS.idempotencyKey], `${run.id}:ReservePayment`);
      } finally {
        await replies.stop();
        await sent.stop();
        await restarted.close();
        await close();
      }
    });
  });
}
