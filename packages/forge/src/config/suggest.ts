/**
 * "Did you mean ...?" suggestions for misspelt keys, service types, service names, events and time
 * zones.
 * @module
 */
import { distance } from "fastest-levenshtein";

/**
 * Returns the candidate closest to `word` when it is close enough to be a likely typo, else
 * `undefined`. A case-insensitive match always wins; otherwise the Levenshtein distance must be at
 * most `limit`, by default a quarter of the word's length (at least 1), so `statless` → `stateless`
 * is suggested but `product-service` → `order-service` (distance 5) is not.
 */
export function suggest(
  word: string,
  candidates: Iterable<string>,
  limit = Math.max(1, Math.floor(word.length / 4)),
): string | undefined {
  const lower = word.toLowerCase();
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of candidates) {
    if (candidate === word) continue;
    const d = candidate.toLowerCase() === lower ? 0 : distance(word, candidate);
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return bestDistance <= limit ? best : undefined;
}

/** `did you mean "x"? ` when {@link suggest} finds a candidate, else `""`; for hint prefixes. */
export function didYouMean(word: string, candidates: Iterable<string>, limit?: number): string {
  const hit = suggest(word, candidates, limit);
  return hit === undefined ? "" : `did you mean "${hit}"? `;
}
