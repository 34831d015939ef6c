/**
 * HTTP method names as spans and metrics label them (OpenTelemetry semantic conventions,
 * `http.request.method`): a known method as is, anything else as `_OTHER`, so a client sending
 * made-up methods cannot blow up span names or metric label cardinality.
 * @module
 */

const KNOWN_METHODS = new Set([
  "CONNECT",
  "DELETE",
  "GET",
  "HEAD",
  "OPTIONS",
  "PATCH",
  "POST",
  "PUT",
  "QUERY",
  "TRACE",
]);

/**
 * The method as `http.request.method` records it: upper-cased known method, else `"_OTHER"`;
 * `undefined` (Node leaves it unset on some malformed requests) counts as `"GET"`.
 */
export function httpMethodLabel(method: string | undefined): string {
  const upper = (method ?? "GET").toUpperCase();
  return KNOWN_METHODS.has(upper) ? upper : "_OTHER";
}
