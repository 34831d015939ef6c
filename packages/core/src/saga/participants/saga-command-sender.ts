/**
 * The orchestrator's side of saga commands over the event bus: publish a step's command and wait for
 * its participant's reply, correlated by the step's idempotency key (see `saga-command-protocol.ts`).
 * @module
 */
import { AllFrameError } from "../../errors/allframe-error.ts";
import type { EventBus, Subscription } from "../../messaging/event-bus.ts";
import { createEvent, type EventEnvelope } from "../../messaging/event-envelope.ts";
import type { Clock, IdGenerator } from "../../runtime/clock.ts";
import type { SagaStepInfo } from "../saga-definition.ts";
import { parseSagaReply, SAGA_HEADERS, sagaReplyTopic } from "./saga-command-protocol.ts";

/** Construction options of {@link SagaCommandSender}. */
export interface SagaCommandSenderOptions {
  readonly bus: EventBus;
  /** The orchestrator service, e.g. `"order-service"`: the commands' `source`. */
  readonly source: string;
  /** The topic replies come back on; default `sagaReplyTopic(source)` (`saga-reply.<source>`). */
  readonly replyTo?: string;
  /** Stamps the commands' `time`; default the system clock. */
  readonly clock?: Clock;
  /** The commands' event ids; default random UUIDs. */
  readonly ids?: IdGenerator;
}

interface Waiter {
  resolve(output: Record<string, unknown> | undefined): void;
  reject(error: unknown): void;
}

/**
 * Sends saga commands to participants and awaits their replies: one reply subscription per sender
 * (ungrouped, so every orchestrator replica sees every reply and takes the ones it waits for), any
 * number of steps in flight.
 *
 * Delivery is at least once both ways: a step re-run after a crash re-sends its command with the same
 * idempotency key, and the participant (`serveSagaCommands`) answers it from its store. A reply nobody
 * waits for (late, after a timeout; or another replica's) is ignored.
 *
 * @example
 * const participants = new SagaCommandSender({ bus, source: "order-service" });
 * const step: SagaStep<Ctx> = {
 *   name: "ReservePayment",
 *   execute: (ctx, signal, info) => participants.send("ReservePayment", ctx, signal, info),
 * };
 */
export class SagaCommandSender {
  readonly #bus: EventBus;
  readonly #source: string;
  readonly #replyTo: string;
  readonly #clock: Clock | undefined;
  readonly #ids: IdGenerator | undefined;
  readonly #waiting = new Map<string, Set<Waiter>>();
  readonly #replies: Subscription;
  #closed = false;

  constructor(opts: SagaCommandSenderOptions) {
    this.#bus = opts.bus;
    this.#source = opts.source;
    this.#replyTo = opts.replyTo ?? sagaReplyTopic(opts.source);
    this.#clock = opts.clock;
    this.#ids = opts.ids;
    this.#replies = opts.bus.subscribe(this.#replyTo, async (event) => this.#settle(event));
  }

  /** The topic this sender's replies come back on. */
  get replyTo(): string {
    return this.#replyTo;
  }

  /**
   * Publishes `command` with `context` as its data and waits for the participant's reply.
   * Resolves with the reply's output (an object to merge into the saga context) or `undefined`.
   * @throws AllFrameError with the participant's code and message when it replies with a failure;
   *   `signal.reason` (the step's or saga's timeout) when `signal` aborts first, after which the reply
   *   is no longer awaited; `unavailable` when the sender was closed before; whatever `bus.publish`
   *   throws.
   */
  async send(
    command: string,
    context: unknown,
    signal: AbortSignal,
    info: SagaStepInfo,
  ): Promise<Record<string, unknown> | undefined> {
    signal.throwIfAborted();
    if (this.#closed)
      throw new AllFrameError("unavailable", `saga command sender is closed; "${command}" was not sent`);
    const key = info.idempotencyKey;
    let waiter: Waiter | undefined;
    const reply = new Promise<Record<string, unknown> | undefined>((resolve, reject) => {
      waiter = { resolve, reject };
    });
    const registered = waiter as Waiter;
    const waiters = this.#waiting.get(key) ?? new Set<Waiter>();
    waiters.add(registered);
    this.#waiting.set(key, waiters);
    const stopWaiting = () => {
      waiters.delete(registered);
      if (waiters.size === 0 && this.#waiting.get(key) === waiters) this.#waiting.delete(key);
    };
    const onAbort = () => {
      stopWaiting();
      registered.reject(signal.reason);
    };
    signal.addEventListener("abort", onAbort, { once: true });
    try {
      await this.#bus.publish(
        createEvent(command, context, {
          source: this.#source,
          key: info.sagaId,
          headers: {
            [SAGA_HEADERS.correlationId]: info.sagaId,
            [SAGA_HEADERS.idempotencyKey]: key,
            [SAGA_HEADERS.replyTo]: this.#replyTo,
          },
          ...(this.#clock === undefined ? {} : { clock: this.#clock }),
          ...(this.#ids === undefined ? {} : { ids: this.#ids }),
        }),
      );
      return await reply;
    } finally {
      signal.removeEventListener("abort", onAbort);
      stopWaiting();
    }
  }

  /**
   * Stops the reply subscription. Steps still waiting are abandoned, not failed: a graceful shutdown
   * must not compensate them, so their saga stays `running` with the step `started`, and the next
   * start's `recover()` re-sends the command (answered from the participant's store). Idempotent.
   */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#waiting.clear();
    await this.#replies.unsubscribe();
  }

  #settle(event: EventEnvelope): void {
    const key = event.headers[SAGA_HEADERS.idempotencyKey];
    const waiters = key === undefined ? undefined : this.#waiting.get(key);
    if (waiters === undefined) return;
    const reply = parseSagaReply(event.data);
    for (const waiter of waiters) {
      if (reply.ok) waiter.resolve(reply.output);
      else
        waiter.reject(
          new AllFrameError(reply.error.code, reply.error.message, {
            details: { participant: event.source, idempotencyKey: key },
          }),
        );
    }
  }
}
