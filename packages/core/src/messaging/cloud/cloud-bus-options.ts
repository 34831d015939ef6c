/**
 * What the cloud bus adapters (`kafka/`, `sqs/`, `eventbridge/`, `pubsub/`) share on top of
 * `broker-delivery.ts`: URL parsing for authorities that `new URL` rejects (`kafka://b1:9092,b2:9092`),
 * adapter-specific query parameters, the envelope ↔ message-attribute mapping (CloudEvents names), and
 * in-place redelivery for brokers that have no per-message nack (Kafka).
 * @module
 */
import { AllFrameError } from "../../errors/allframe-error.ts";
import {
  type BrokerBusOptions,
  type DeliveryRunner,
  type ResolvedBrokerOptions,
  resolveBrokerOptions,
  sleep,
} from "../broker-delivery.ts";
import { assertEventType, type EventEnvelope } from "../event-envelope.ts";

/** {@link ResolvedBrokerOptions} plus the URL's authority and the adapter's own query parameters. */
export interface ResolvedCloudOptions<K extends string> extends ResolvedBrokerOptions {
  /** Everything between `scheme://` and the first `/`, e.g. `broker1:9092,broker2:9092` or `eu-west-1`. */
  authority: string;
  /** The adapter's own query parameters that were present, raw. */
  extra: Partial<Record<K, string>>;
}

const URL_PATTERN = /^([a-z][a-z0-9+.-]*):\/\/([^/?#]*)(\/[^?#]*)?(\?[^#]*)?$/i;

/**
 * Splits `scheme://authority[/namespace][?query]`: the path's single segment becomes the namespace
 * (unless `opts.namespace` is given), parameters named in `extras` are returned raw, the rest go to
 * `resolveBrokerOptions` (`maxDeliver`, `redeliveryDelayMs`, `ackWaitMs`, ...).
 * @throws AllFrameError `configuration` for a URL of another shape, an empty authority, an unknown
 *   parameter or a bad value (messages never echo the URL: it may hold credentials).
 */
export function resolveCloudOptions<K extends string>(
  opts: BrokerBusOptions,
  extras: readonly K[],
): ResolvedCloudOptions<K> {
  const match = URL_PATTERN.exec(opts.url.trim());
  const [, scheme, authority, path, query] = match ?? [];
  if (scheme === undefined || authority === undefined || authority === "") {
    throw new AllFrameError("configuration", "the event bus URL must look like scheme://host/namespace");
  }
  const params = new URLSearchParams(query?.slice(1) ?? "");
  const extra: Partial<Record<K, string>> = {};
  for (const name of extras) {
    const value = params.get(name);
    if (value !== null) extra[name] = value;
    params.delete(name);
  }
  const segment = path?.replace(/^\/|\/$/g, "") ?? "";
  const rest = params.toString();
  const namespace = opts.namespace ?? (segment === "" ? undefined : decodeURIComponent(segment));
  const base = resolveBrokerOptions({
    ...opts,
    url: `${scheme}://placeholder${rest === "" ? "" : `?${rest}`}`,
    ...(namespace === undefined ? {} : { namespace }),
  });
  return { ...base, url: opts.url, authority, extra };
}

/**
 * Message attributes for an event: `<prefix>id`, `<prefix>type`, `<prefix>source` (CloudEvents
 * binding names) then the event's headers whose names are `[A-Za-z0-9_.-]` (traceparent and
 * tracestate first), at most `max` in all. Headers left out still travel inside the body.
 */
export function eventAttributes(event: EventEnvelope, prefix: string, max = 64): Record<string, string> {
  const out: Record<string, string> = {
    [`${prefix}id`]: event.id,
    [`${prefix}type`]: event.type,
    [`${prefix}source`]: event.source,
  };
  const names = Object.keys(event.headers ?? {}).sort(
    (a, b) => Number(b.startsWith("trace")) - Number(a.startsWith("trace")),
  );
  for (const name of names) {
    if (Object.keys(out).length >= max) break;
    const value = event.headers[name];
    if (value !== undefined && value !== "" && /^[A-Za-z0-9_.-]+$/.test(name) && !(name in out)) {
      out[name] = value;
    }
  }
  return out;
}

/**
 * Checks a publishable envelope and returns it as JSON.
 * @throws AllFrameError `unavailable` when `closed`; `validation` for a bad type or data that is not
 *   JSON-serialisable.
 */
export function encodeEvent(event: EventEnvelope, closed: boolean): string {
  if (closed) throw new AllFrameError("unavailable", `event bus is closed; cannot publish "${event.type}"`);
  assertEventType(event.type);
  try {
    return JSON.stringify(event);
  } catch (cause) {
    throw new AllFrameError("validation", `event "${event.type}" cannot be serialised to JSON`, { cause });
  }
}

/** Parses a message body back into an envelope; `undefined` when it is not one. */
export function decodeEvent(body: string | undefined): EventEnvelope | undefined {
  try {
    const event = JSON.parse(body ?? "") as EventEnvelope;
    return typeof event?.id === "string" && typeof event.type === "string" ? event : undefined;
  } catch {
    return undefined;
  }
}

/** Thrown into a consumer loop when a delivery is abandoned because its subscription stopped. */
export const STOPPED = new AllFrameError("unavailable", "subscription stopped before the event was settled");

/**
 * Delivers one event through `runner` until it is acked or dropped, redelivering in process after
 * `retry(delayMs)` (delivery count 2, 3, ...). For brokers without per-message nack (Kafka): the
 * partition waits, which keeps the order per key. Resolves `true` once settled; rejects with
 * {@link STOPPED} when `stopped()` turns true before then, so the offset is not committed.
 */
export function deliverInPlace(
  runner: DeliveryRunner,
  event: EventEnvelope,
  stopped: () => boolean,
  beat: () => Promise<void> = async () => {},
): Promise<true> {
  return new Promise((resolve, reject) => {
    const attempt = (deliveryCount: number): void => {
      if (stopped()) {
        reject(STOPPED);
        return;
      }
      void runner.run({
        event,
        deliveryCount,
        ack: () => resolve(true),
        drop: () => resolve(true),
        retry: async (delayMs) => {
          await sleep(delayMs);
          await beat().catch(() => undefined);
          attempt(deliveryCount + 1);
        },
      });
    };
    attempt(1);
  });
}

/**
 * Waits for `promise` at most `ms`.
 * @throws AllFrameError `unavailable` with `what` in the message after `ms`.
 */
export async function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  const timeout = sleep(ms).then(() => {
    throw new AllFrameError("unavailable", `${what} did not answer within ${ms} ms`);
  });
  return Promise.race([promise, timeout]);
}
