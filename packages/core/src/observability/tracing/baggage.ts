/**
 * Request-scoped baggage every AllFrame service carries along a call chain: `tenant_id`, `user_id`,
 * `correlation_id` (architecture.toml `[observability.baggage]`). It lives in the active OpenTelemetry
 * context and crosses HTTP and event envelopes as the W3C `baggage` header, when the tracing has the
 * `"baggage"` propagator.
 * @module
 */
import { type Context, context, propagation } from "@opentelemetry/api";

/** The baggage names AllFrame sets and reads, as they appear on the wire and in logs. */
export const BAGGAGE_KEYS = ["tenant_id", "user_id", "correlation_id"] as const;
/** One of {@link BAGGAGE_KEYS}. */
export type BaggageKey = (typeof BAGGAGE_KEYS)[number];
/** Values for some of the {@link BAGGAGE_KEYS}; an absent or undefined key is not set. */
export type BaggageFields = Partial<Record<BaggageKey, string>>;

/**
 * Returns `ctx` with `fields` added to its baggage (other entries kept, same keys replaced).
 * @param ctx default the active context.
 */
export function contextWithBaggage(fields: BaggageFields, ctx: Context = context.active()): Context {
  let baggage = propagation.getBaggage(ctx) ?? propagation.createBaggage();
  for (const key of BAGGAGE_KEYS) {
    const value = fields[key];
    if (value !== undefined) baggage = baggage.setEntry(key, { value });
  }
  return propagation.setBaggage(ctx, baggage);
}

/**
 * Runs `fn` with `fields` added to the active baggage; spans, outgoing calls and events made inside
 * carry them.
 * @example
 * await withBaggage({ tenant_id: tenant, correlation_id: requestId }, () => placeOrder(input));
 */
export function withBaggage<T>(fields: BaggageFields, fn: () => T): T {
  return context.with(contextWithBaggage(fields), fn);
}

/**
 * The {@link BAGGAGE_KEYS} present in `ctx`'s baggage (default the active context), e.g.
 * `{ tenant_id: "t-1" }`; `{}` when there is none.
 */
export function currentBaggage(ctx: Context = context.active()): BaggageFields {
  const baggage = propagation.getBaggage(ctx);
  const fields: BaggageFields = {};
  if (baggage === undefined) return fields;
  for (const key of BAGGAGE_KEYS) {
    const entry = baggage.getEntry(key);
    if (entry !== undefined) fields[key] = entry.value;
  }
  return fields;
}
