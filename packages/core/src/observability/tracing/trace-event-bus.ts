/**
 * Tracing for any event bus, as a decorator on the `EventBus` port, so every adapter (in-process,
 * NATS, RabbitMQ, Kafka, SQS/SNS, Pub/Sub) is traced the same way without touching it: a PRODUCER
 * span per publish with its context written into `envelope.headers`, a CONSUMER span per delivery
 * parented on those headers (OpenTelemetry semantic conventions for messaging spans; the envelope's
 * `headers` are the message's application properties, as CloudEvents' Distributed Tracing extension).
 * @module
 */
import {
  type Attributes,
  context,
  defaultTextMapSetter,
  ROOT_CONTEXT,
  SpanKind,
  trace,
} from "@opentelemetry/api";
import type { EventBus, EventHandler, SubscribeOptions, Subscription } from "../../messaging/event-bus.ts";
import type { EventEnvelope } from "../../messaging/event-envelope.ts";
import type { Tracing } from "./create-tracing.ts";
import { extractContext } from "./propagation.ts";
import { failSpan } from "./span-errors.ts";

/** Messaging semantic-convention attribute names (still "development" status, so not imported). */
const ATTR = {
  system: "messaging.system",
  destination: "messaging.destination.name",
  messageId: "messaging.message.id",
  group: "messaging.consumer.group.name",
  operationType: "messaging.operation.type",
  operationName: "messaging.operation.name",
} as const;

/** `messaging.system` for each bus `kind` the conventions name; other kinds are reported as is. */
const SYSTEMS: Readonly<Record<string, string>> = { sqs: "aws_sqs", pubsub: "gcp_pubsub" };

function messageAttributes(system: string, event: EventEnvelope, operation: "send" | "process"): Attributes {
  return {
    [ATTR.system]: system,
    [ATTR.destination]: event.type,
    [ATTR.messageId]: event.id,
    [ATTR.operationType]: operation,
    [ATTR.operationName]: operation === "send" ? "publish" : "process",
  };
}

/**
 * Wraps `bus` so publishing and handling are traced. The result implements the same port and
 * delegates everything to `bus`.
 *
 * - `publish(event)`: the parent is the trace context already in `event.headers` (stamped when the
 *   event entered the outbox, see `withTraceHeaders`), else the active context. A PRODUCER span
 *   `"publish <type>"` is started under it, and a copy of the envelope whose headers carry that
 *   span's context (`traceparent`, `tracestate`, `baggage`, `b3`... per the tracing's propagators) is
 *   handed to `bus`; the caller's envelope is not modified. A publish failure marks the span ERROR.
 * - `subscribe(type, handler, opts)`: each delivery runs `handler` inside a CONSUMER span
 *   `"process <type>"` whose parent is extracted from the delivered envelope's headers only (never the
 *   delivering code's own context), with the sender's baggage; a rejection marks it ERROR and is
 *   passed on, so the bus's acknowledgement semantics are unchanged. Under a `Consumer`, all its
 *   retries of one delivery happen inside that span.
 *
 * Attributes: `messaging.system` (the bus kind; `aws_sqs`, `gcp_pubsub` for `sqs`, `pubsub`),
 * `messaging.destination.name` (the event type, which every adapter uses as subject/topic),
 * `messaging.message.id`, `messaging.operation.type` (`send`, `process`), and
 * `messaging.consumer.group.name` when the subscription has a group.
 *
 * @example
 * const bus = traceEventBus(new InProcessEventBus({ logger }), tracing);
 * const relay = new OutboxRelay({ store: outbox, bus });
 */
export function traceEventBus(bus: EventBus, tracing: Tracing): EventBus {
  const system = SYSTEMS[bus.kind] ?? bus.kind;
  const { tracer } = tracing;

  async function publish(event: EventEnvelope): Promise<void> {
    const parent = extractContext(tracing, event.headers);
    const span = tracer.startSpan(`publish ${event.type}`, { kind: SpanKind.PRODUCER }, parent);
    if (span.isRecording()) span.setAttributes(messageAttributes(system, event, "send"));
    const ctx = trace.setSpan(parent, span);
    const headers = { ...event.headers };
    tracing.propagator.inject(ctx, headers, defaultTextMapSetter);
    try {
      await context.with(ctx, () => bus.publish({ ...event, headers }));
    } catch (error) {
      failSpan(span, error);
      throw error;
    } finally {
      span.end();
    }
  }

  function traced(handler: EventHandler, group: string | undefined): EventHandler {
    return (event) => {
      const parent = extractContext(tracing, event.headers, ROOT_CONTEXT);
      const span = tracer.startSpan(`process ${event.type}`, { kind: SpanKind.CONSUMER }, parent);
      if (span.isRecording()) {
        span.setAttributes(messageAttributes(system, event, "process"));
        if (group !== undefined) span.setAttribute(ATTR.group, group);
      }
      return context.with(trace.setSpan(parent, span), async () => {
        try {
          await handler(event);
        } catch (error) {
          failSpan(span, error);
          throw error;
        } finally {
          span.end();
        }
      });
    };
  }

  const decorated: EventBus = {
    kind: bus.kind,
    publish,
    subscribe: (type: string, handler: EventHandler, opts?: SubscribeOptions): Subscription =>
      bus.subscribe(type, traced(handler, opts?.group), opts),
    close: () => bus.close(),
  };
  const ready = bus.ready?.bind(bus);
  if (ready !== undefined) decorated.ready = ready;
  return decorated;
}
