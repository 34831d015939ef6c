/**
 * The one HTTP helper the remote registries use: `fetch` with a timeout, failures mapped to
 * AllFrame errors (unreachable or 5xx → `unavailable`).
 * @module
 */
import { AllFrameError } from "../../errors/allframe-error.ts";

/** What a registry client passes to {@link requestRegistry}. */
export interface RegistryHttpOptions {
  /** Injected for tests; default the global `fetch`. */
  fetch?: typeof fetch;
  /** Extra headers on every request, e.g. `{ authorization: "Basic ..." }`. */
  headers?: Record<string, string>;
  /** Per-request timeout in milliseconds; default 10000. */
  timeoutMs?: number;
}

/** A registry response: status and body text (parse it as the endpoint requires). */
export interface RegistryResponse {
  status: number;
  text: string;
}

/**
 * Sends one request. 2xx and 4xx answers are returned for the caller to interpret.
 * @throws AllFrameError `unavailable` when the registry cannot be reached, times out or answers 5xx.
 */
export async function requestRegistry(
  kind: string,
  url: string,
  init: { method: string; body?: string; headers?: Record<string, string> },
  options: RegistryHttpOptions,
): Promise<RegistryResponse> {
  const doFetch = options.fetch ?? fetch;
  let response: Response;
  try {
    response = await doFetch(url, {
      method: init.method,
      headers: { ...options.headers, ...init.headers },
      ...(init.body === undefined ? {} : { body: init.body }),
      signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
    });
  } catch (cause) {
    throw new AllFrameError("unavailable", `${kind} schema registry at ${url} cannot be reached`, { cause });
  }
  const text = await response.text();
  if (response.status >= 500) {
    throw new AllFrameError(
      "unavailable",
      `${kind} schema registry answered ${response.status} for ${init.method} ${url}: ${text.slice(0, 300)}`,
    );
  }
  return { status: response.status, text };
}

/**
 * Parses a JSON body.
 * @throws AllFrameError `unavailable` when a registry answers something that is not JSON.
 */
export function parseBody<T>(kind: string, response: RegistryResponse): T {
  try {
    return JSON.parse(response.text) as T;
  } catch (cause) {
    throw new AllFrameError(
      "unavailable",
      `${kind} schema registry answered ${response.status} with a body that is not JSON`,
      { cause },
    );
  }
}

/** The error for an unexpected 4xx: 409 → `conflict`, 422/400 → `validation`, else `internal`. */
export function registryError(kind: string, what: string, response: RegistryResponse): AllFrameError {
  const code =
    response.status === 409
      ? "conflict"
      : response.status === 422 || response.status === 400
        ? "validation"
        : "internal";
  return new AllFrameError(
    code,
    `${kind} schema registry refused to ${what} (${response.status}): ${response.text.slice(0, 500)}`,
  );
}
