/**
 * A caching decorator for any {@link SecretsProvider}, so a hot path does not call the store per request.
 * @module
 */
import { TtlCache } from "../../cache/ttl-cache.ts";
import type { Clock } from "../../runtime/clock.ts";
import type { Sensitive } from "../sensitive/sensitive.ts";
import type { SecretsProvider } from "./secrets-provider.ts";

/** Options for {@link cachedSecrets}. */
export interface CachedSecretsOptions {
  /** How long a secret is reused, in milliseconds (> 0). Rotated secrets show up after at most this. */
  ttlMs: number;
  /** Default: the system clock; tests pass a `ManualClock`. */
  clock?: Clock;
}

/**
 * Wraps `provider` so each secret is fetched at most once per `ttlMs`; concurrent first reads share
 * one fetch, and failures are not cached (the next read tries again).
 * @throws AllFrameError `configuration` for `ttlMs` ≤ 0; `get` throws whatever `provider.get` throws.
 * @example const secrets = cachedSecrets(new VaultSecrets({ ... }), { ttlMs: 300_000 });
 */
export function cachedSecrets(provider: SecretsProvider, opts: CachedSecretsOptions): SecretsProvider {
  const cache = new TtlCache<Sensitive<string>>({ ttlMs: opts.ttlMs, clock: opts.clock, maxEntries: 1_000 });
  return {
    kind: provider.kind,
    get: (name) => cache.getOrLoad(name, () => provider.get(name)),
  };
}
