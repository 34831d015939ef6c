/**
 * What identifies "the same request" for an idempotency key, and where the key is valid.
 * @module
 */
import { createHash } from "node:crypto";
import type { Context } from "hono";
import { routePath } from "hono/route";

/** The longest key accepted, in characters (Stripe: "Keys are up to 255 characters long"). */
export const MAX_IDEMPOTENCY_KEY_LENGTH = 255;

/**
 * SHA-256 (hex) over the method, the path with its query string, and the body bytes. Two requests
 * with one key and different fingerprints are a client error (422), as in Stripe and the IETF draft.
 * Headers are not part of it: authentication and tenancy go into the scope instead.
 */
export function requestFingerprint(method: string, pathAndQuery: string, body: Uint8Array): string {
  return createHash("sha256").update(`${method}\n${pathAndQuery}\n`).update(body).digest("hex");
}

/**
 * The key as sent, trimmed, with the quotes of an IETF structured-field string removed
 * (`Idempotency-Key: "8e03978e"` and `Idempotency-Key: 8e03978e` are the same key).
 */
export function normaliseIdempotencyKey(raw: string): string {
  const trimmed = raw.trim();
  if (trimmed.length >= 2 && trimmed.startsWith('"') && trimmed.endsWith('"')) return trimmed.slice(1, -1);
  return trimmed;
}

/**
 * The default scope: `"<tenant> <METHOD> <route pattern>"`, e.g. `"acme POST /orders/:id/refunds"`,
 * so one key sent to two routes, or by two tenants, names two records. The tenant is the value of
 * `tenantHeader` (empty when absent). The route is the pattern of the last matched route.
 */
export function defaultIdempotencyScope(c: Context, tenantHeader: string): string {
  return `${c.req.header(tenantHeader) ?? ""} ${c.req.method} ${routePath(c, -1)}`;
}

/** The store key for one scope and key; unambiguous whatever characters either holds. */
export function scopedIdempotencyKey(scope: string, key: string): string {
  return JSON.stringify([scope, key]);
}
