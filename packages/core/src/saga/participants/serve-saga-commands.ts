/**
 * The participant's side of saga commands over the event bus: run each command once per idempotency
 * key and answer on its `reply-to` topic (see `saga-command-protocol.ts`). Idempotent receiver
 * (Hohpe & Woolf, "Enterprise Integration Patterns"), with the reply kept in the idempotency store port
 * so memory, SQLite, PostgreSQL and Redis all work.
 * @module
 */
import { AllFrameError, toAllFrameError } from "../../errors/allframe-error.ts";
import type { IdempotencyStore, StoredResponse } from "../../idempotency/idempotency-store.ts";
import { scopedIdempotencyKey } from "../../idempotency/request-fingerprint.ts";
import type { EventBus, Subscription } from "../../messaging/event-bus.ts";
import { createEvent, type EventEnvelope } from "../../messaging/event-envelope.ts";
import type { SagaLogger } from "../saga-runner.ts";
import { parseSagaReply, SAGA_HEADERS, type SagaReply, sagaCommandHeaders } from "./saga-command-protocol.ts";

/** What a saga command handler is told besides the command's data (the saga context). */
export interface SagaCommandContext {
  readonly sagaId: string;
  /** The command name, e.g. `"ReservePayment"`. */
  readonly command: string;
  /** `<sagaId>:<step>` (or `<sagaId>:<step>:<compensation>`); pass it on to external APIs. */
  readonly idempotencyKey: string;
  /** The command event as delivered. */
  readonly event: EventEnvelope;
}

/**
 * Carries out one saga command. Resolve with an object to merge into the saga context (or nothing);
 * throw to fail the step (an AllFrameError's code and message reach the orchestrator; anything else
 * becomes `internal`), which makes the saga compensate.
 */
export type SagaCommandHandler = (
  data: unknown,
  command: SagaCommandContext,
  // biome-ignore lint/suspicious/noConfusingVoidType: `void` lets an async handler that returns nothing type-check.
) => Promise<Record<string, unknown> | void>;

/** Options of {@link serveSagaCommands}. */
export interface ServeSagaCommandsOptions {
  /** Consumer group: the participant service's replicas share the commands. */
  readonly group: string;
  /** Keeps each command's reply, keyed by its idempotency key. */
  readonly store: IdempotencyStore;
  /** The replies' `source`; default `group`. */
  readonly source?: string;
  /** How long a reply is kept for redeliveries, ms; default 7 days (longer than any saga's deadline). */
  readonly ttlMs?: number;
  /** How long a key stays locked while its first run is in flight, ms; default 60000. */
  readonly lockTtlMs?: number;
  readonly logger?: SagaLogger;
}

/** The live command subscriptions of a participant. */
export interface SagaCommandService {
  /** Resolves once every command subscription is held by the broker (at once in-process). */
  readonly ready: Promise<void>;
  /** Stops taking commands; resolves once in-flight ones have settled. */
  close(): Promise<void>;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Subscribes `handlers` (command name → handler) in consumer group `group`. Per delivered command:
 * - first delivery of its idempotency key: the handler runs; its outcome (success with output, or
 *   failure with code and message) is stored, then published as the reply. Either way the command is
 *   acknowledged: a business failure is an answer, not a delivery failure;
 * - a redelivery or a re-sent command (the orchestrator re-ran the step after a crash): the stored
 *   reply is published again, the handler does not run (one effect per key);
 * - a key whose first run is still in flight (or died holding the lock, until `lockTtlMs`): the
 *   delivery is rejected with `conflict`, so a broker redelivers it later and it is answered from the
 *   store then.
 * A command without the saga headers is rejected with `validation`; an idempotency store or bus
 * failure rejects the delivery too (the broker redelivers).
 *
 * @example
 * serveSagaCommands(bus, {
 *   ReservePayment: async (order, { idempotencyKey }) => ({ paymentId: await charge(order, idempotencyKey) }),
 * }, { group: "payment-gateway", store: openIdempotencyStore(process.env.IDEMPOTENCY_STORE_URL) });
 */
export function serveSagaCommands(
  bus: EventBus,
  handlers: Readonly<Record<string, SagaCommandHandler>>,
  opts: ServeSagaCommandsOptions,
): SagaCommandService {
  const source = opts.source ?? opts.group;
  const ttlMs = opts.ttlMs ?? 7 * DAY_MS;
  const lockTtlMs = opts.lockTtlMs ?? 60_000;
  const answer = async (event: EventEnvelope, handler: SagaCommandHandler): Promise<void> => {
    const { sagaId, idempotencyKey, replyTo } = sagaCommandHeaders(event);
    const scope = scopedIdempotencyKey("saga-command", idempotencyKey);
    const begun = await opts.store.begin(scope, event.type, lockTtlMs);
    if (begun.state === "in-flight")
      throw new AllFrameError(
        "conflict",
        `saga command "${event.type}" ${idempotencyKey} is still running elsewhere; a redelivery will be answered from the store`,
      );
    let reply: SagaReply;
    if (begun.state === "completed") reply = decodeReply(begun.response);
    else {
      reply = await run(handler, event, { sagaId, command: event.type, idempotencyKey, event });
      const kept = await opts.store
        .complete(scope, begun.lockToken, encodeReply(reply), ttlMs)
        .catch((error: unknown) => {
          opts.logger?.error({ err: error, command: event.type, idempotencyKey }, "saga reply not stored");
          return true;
        });
      if (!kept)
        opts.logger?.warn(
          { command: event.type, idempotencyKey },
          "saga command lock expired before its reply was stored",
        );
    }
    const headers = {
      [SAGA_HEADERS.correlationId]: sagaId,
      [SAGA_HEADERS.idempotencyKey]: idempotencyKey,
    };
    await bus.publish(createEvent(replyTo, reply, { source, key: sagaId, headers }));
  };
  const subscriptions: Subscription[] = Object.entries(handlers).map(([command, handler]) =>
    bus.subscribe(command, (event) => answer(event, handler), { group: opts.group }),
  );
  return {
    ready: Promise.all(subscriptions.map((s) => s.ready)).then(() => undefined),
    close: async () => {
      await Promise.all(subscriptions.map((s) => s.unsubscribe()));
    },
  };
}

async function run(
  handler: SagaCommandHandler,
  event: EventEnvelope,
  ctx: SagaCommandContext,
): Promise<SagaReply> {
  try {
    const output = await handler(event.data, ctx);
    return output === undefined ? { ok: true } : { ok: true, output };
  } catch (error) {
    const failure = toAllFrameError(error);
    return { ok: false, error: { code: failure.code, message: failure.message } };
  }
}

function encodeReply(reply: SagaReply): StoredResponse {
  return { status: 200, headers: {}, bodyBase64: Buffer.from(JSON.stringify(reply)).toString("base64") };
}

function decodeReply(response: StoredResponse): SagaReply {
  return parseSagaReply(JSON.parse(Buffer.from(response.bodyBase64, "base64").toString("utf8")));
}
