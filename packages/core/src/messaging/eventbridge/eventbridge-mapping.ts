/**
 * How an AllFrame envelope travels through EventBridge, CloudEvents-style: `Source` = `event.source`,
 * `DetailType` = `event.type`, `Time` = `event.time`, `Detail` = the whole envelope as JSON (headers,
 * trace context and key included). Rules match on `detail-type`; the SQS message a rule delivers is
 * the EventBridge event (`{"version":"0","id":...,"detail-type":...,"detail":{...}}`), whose `detail`
 * is the envelope again.
 * Source: EventBridge "Amazon EventBridge events" and "Event patterns"; CloudEvents 1.0 attributes.
 * @module
 */
import type { PutEventsRequestEntry } from "@aws-sdk/client-eventbridge";
import type { EventEnvelope } from "../event-envelope.ts";

/**
 * The `PutEvents` entry for `event` on bus `busName`, with `detail` the envelope's JSON (as checked
 * by `encodeEvent`). `Time` is left out when `event.time` is not a date, so EventBridge stamps it.
 */
export function toPutEventsEntry(
  event: EventEnvelope,
  busName: string,
  detail: string,
): PutEventsRequestEntry {
  const time = Date.parse(event.time);
  return {
    EventBusName: busName,
    Source: event.source,
    DetailType: event.type,
    Detail: detail,
    ...(Number.isNaN(time) ? {} : { Time: new Date(time) }),
  };
}

/**
 * The event pattern of a rule for `type`: `{"detail-type": [type]}`; for `"*"` every event whose
 * detail is an AllFrame envelope (`detail.id` and `detail.type` exist), so AWS service events on a
 * shared bus (`default`) stay out of the queue.
 */
export function eventPattern(type: string): string {
  if (type !== "*") return JSON.stringify({ "detail-type": [type] });
  return JSON.stringify({ detail: { id: [{ exists: true }], type: [{ exists: true }] } });
}

/**
 * Reads the envelope out of an SQS message a rule delivered (the EventBridge event's `detail`);
 * `undefined` when the body is not JSON or its detail is not an envelope (the consumer deletes it).
 */
export function decodeEventBridgeMessage(body: string | undefined): EventEnvelope | undefined {
  try {
    const { detail } = JSON.parse(body ?? "") as { detail?: Partial<EventEnvelope> | null };
    return typeof detail?.id === "string" && typeof detail.type === "string"
      ? (detail as EventEnvelope)
      : undefined;
  } catch {
    return undefined;
  }
}
