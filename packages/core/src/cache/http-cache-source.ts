/**
 * The source of truth of a generated cache service: an upstream HTTP service that answers
 * `GET <baseUrl>/<key>` with the entry (`CACHE_SOURCE_URL`), as a {@link CacheLoader}.
 * @module
 */
import { AllFrameError } from "../errors/allframe-error.ts";
import type { CacheLoader } from "./loading-cache.ts";

/** Options for {@link httpCacheSource}. */
export interface HttpCacheSourceOptions {
  /** e.g. `http://127.0.0.1:3001/products`; a trailing `/` is ignored. Never echoed in errors. */
  readonly baseUrl: string;
  /** The `fetch` to call with (a service's runtime `fetch` presents its mTLS certificate); default global. */
  readonly fetch?: (input: string, init?: RequestInit) => Promise<Response>;
  /** Upper bound of one load, in milliseconds; default 5000. */
  readonly timeoutMs?: number;
}

/**
 * A loader that fetches `GET <baseUrl>/<encodeURIComponent(key)>` and reads the JSON body as the entry.
 * 404 answers `undefined` (the source has no such entry).
 *
 * @throws AllFrameError (rejects) `timeout` after `timeoutMs`; `unavailable` for a network failure, any
 *   other status, or a body that is not JSON. The message names the key and the status, not the URL.
 * @example
 * const load = httpCacheSource({ baseUrl: process.env.CACHE_SOURCE_URL! });
 * const cache = new LoadingCache({ store, ttlMs: 60_000, load });
 */
export function httpCacheSource<V = unknown>(opts: HttpCacheSourceOptions): CacheLoader<V> {
  const base = opts.baseUrl.replace(/\/+$/, "");
  const fetchFn = opts.fetch ?? globalThis.fetch;
  const timeoutMs = opts.timeoutMs ?? 5000;
  return async (key) => {
    let response: Response;
    try {
      response = await fetchFn(`${base}/${encodeURIComponent(key)}`, {
        headers: { accept: "application/json" },
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (cause) {
      const timedOut = (cause as Error).name === "TimeoutError";
      throw new AllFrameError(
        timedOut ? "timeout" : "unavailable",
        timedOut
          ? `cache source did not answer for "${key}" within ${timeoutMs} ms`
          : `cache source unreachable loading "${key}": ${(cause as Error).message}`,
        { cause },
      );
    }
    if (response.status === 404) {
      await response.body?.cancel();
      return undefined;
    }
    if (!response.ok) {
      await response.body?.cancel();
      throw new AllFrameError("unavailable", `cache source answered ${response.status} loading "${key}"`);
    }
    try {
      return (await response.json()) as V;
    } catch (cause) {
      throw new AllFrameError("unavailable", `cache source answered non-JSON for "${key}"`, { cause });
    }
  };
}
