/**
 * Deterministic ids for window results, so a window emitted twice (at-least-once closing after a
 * crash) carries the same event id both times and consumers can drop the repeat.
 * @module
 */
import { createHash } from "node:crypto";

/**
 * A name-based UUID (RFC 9562 version 5 layout: SHA-1 over the name, version and variant bits set)
 * of `processor`, `key` and `startMs`. The same window of the same processor always gets the same id;
 * different processors, keys or windows get different ones.
 *
 * @param processor the processor's name (e.g. the service name); any string.
 * @param key the window's key, as `keyOf` returned it.
 * @param startMs the window's start, epoch milliseconds.
 * @returns a lowercase UUID string, e.g. `"3f0c…-…"`.
 * @example windowResultId("analytics-processor", "orders", Date.UTC(2030, 0, 1))
 */
export function windowResultId(processor: string, key: string, startMs: number): string {
  const hash = createHash("sha1").update(`${processor}\u0000${key}\u0000${startMs}`).digest();
  hash[6] = ((hash[6] ?? 0) & 0x0f) | 0x50;
  hash[8] = ((hash[8] ?? 0) & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
