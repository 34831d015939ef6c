/**
 * Event bus metrics as a decorator on the `EventBus` port, so every adapter is measured alike:
 * published, consumed and failed counts per event type, and consumer lag.
 * @module
 */
import type { EventBus, EventHandler, SubscribeOptions, Subscription } from "../../messaging/event-bus.ts";
import type { EventEnvelope } from "../../messaging/event-envelope.ts";
import type { ServiceMetrics } from "./service-metrics.ts";

/**
 * Wraps `bus` so that:
 * - a resolved `publish` counts `messaging_events_published_total{event_type}`; a rejected one counts
 *   `messaging_events_failed_total{operation="publish"}` and rethrows;
 * - each delivery first records its lag ({@link ServiceMetrics.observeConsumerLag}), then counts
 *   `messaging_events_consumed_total{event_type, consumer_group}` when the handler resolves, or
 *   `messaging_events_failed_total{operation="process"}` when it rejects (passed on unchanged).
 *
 * Under a `Consumer`, the bus-level handler resolves once an event succeeded or was dead-lettered
 * (retries happen inside), so "consumed" there means "settled"; the consumer's own `stats()` (see
 * `ServiceMetrics.observeConsumer`) tell dead letters apart. Ungrouped subscriptions are labelled
 * `consumer_group=""`.
 *
 * @example
 * const bus = meterEventBus(traceEventBus(new InProcessEventBus(), tracing), metrics);
 */
export function meterEventBus(bus: EventBus, metrics: ServiceMetrics): EventBus {
  async function publish(event: EventEnvelope): Promise<void> {
    try {
      await bus.publish(event);
    } catch (error) {
      metrics.eventsFailed.inc({ event_type: event.type, consumer_group: "", operation: "publish" });
      throw error;
    }
    metrics.eventsPublished.inc({ event_type: event.type });
  }

  function metered(handler: EventHandler, group: string | undefined): EventHandler {
    const consumerGroup = group ?? "";
    return async (event) => {
      metrics.observeConsumerLag(event, group);
      try {
        await handler(event);
      } catch (error) {
        metrics.eventsFailed.inc({
          event_type: event.type,
          consumer_group: consumerGroup,
          operation: "process",
        });
        throw error;
      }
      metrics.eventsConsumed.inc({ event_type: event.type, consumer_group: consumerGroup });
    };
  }

  const decorated: EventBus = {
    kind: bus.kind,
    publish,
    subscribe: (type: string, handler: EventHandler, opts?: SubscribeOptions): Subscription =>
      bus.subscribe(type, metered(handler, opts?.group), opts),
    close: () => bus.close(),
  };
  const ready = bus.ready?.bind(bus);
  if (ready !== undefined) decorated.ready = ready;
  return decorated;
}
