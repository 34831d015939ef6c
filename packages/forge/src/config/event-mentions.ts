/**
 * Where events are named in a service: the lists that publish and the lists that consume. Used by
 * the event-flow validator (to point at the exact entry) and by the resolver (event catalog, graph).
 * @module
 */
import type { KeyPath } from "./diagnostic.ts";
import type { ServiceConfig } from "./schema.ts";

/** One place an event name is written: the key path of the list and the event's index in it. */
export interface EventMention {
  event: string;
  path: KeyPath;
}

/** Events a service publishes: `domain.events`, `messaging.publishes`, `producer.events`, in that order. */
export function publishedEvents(service: ServiceConfig, index: number): EventMention[] {
  return [
    ...mentions(service.domain?.events, ["services", index, "domain", "events"]),
    ...mentions(service.messaging?.publishes, ["services", index, "messaging", "publishes"]),
    ...mentions(service.producer?.events, ["services", index, "producer", "events"]),
  ];
}

/**
 * Events a service consumes: `consumer.events`, `subscriptions.events`, `cache.invalidation`,
 * `messaging.consumes`, in that order.
 */
export function consumedEvents(service: ServiceConfig, index: number): EventMention[] {
  return [
    ...mentions(service.consumer?.events, ["services", index, "consumer", "events"]),
    ...mentions(service.subscriptions?.events, ["services", index, "subscriptions", "events"]),
    ...mentions(service.cache?.invalidation, ["services", index, "cache", "invalidation"]),
    ...mentions(service.messaging?.consumes, ["services", index, "messaging", "consumes"]),
  ];
}

function mentions(list: readonly string[] | undefined, base: KeyPath): EventMention[] {
  return (list ?? []).map((event, i) => ({ event, path: [...base, i] }));
}
