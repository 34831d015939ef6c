/**
 * A `fetch` for service-to-service calls over mutual TLS. Node's global fetch cannot take client
 * certificates without the `undici` package (not a dependency here), so this one runs on
 * `node:https` with an mTLS agent and speaks the Fetch API's types.
 * @module
 */
import { request as httpsRequest } from "node:https";
import { Readable } from "node:stream";
import { AllFrameError } from "../../errors/allframe-error.ts";
import type { MtlsMaterial } from "./mtls-material.ts";
import { mtlsAgent } from "./mtls-options.ts";

/** A fetch-compatible function plus `close()`, which drops its kept-alive connections. */
export type MtlsFetch = ((input: string | URL | Request, init?: RequestInit) => Promise<Response>) & {
  close(): void;
};

const NULL_BODY_STATUS = new Set([101, 103, 204, 205, 304]);

/**
 * Builds a fetch that presents `material`'s certificate and trusts only servers signed by its CA.
 * Like `fetch`: resolves with a `Response` for any HTTP status; rejects with `TypeError("fetch failed")`
 * (the TLS or network error as `cause`) when no response arrives, and with the abort reason when
 * `init.signal` aborts. Unlike `fetch`: redirects are returned, not followed (service calls should not
 * be redirected), `response.url` is empty, and the request body is buffered before sending.
 *
 * @throws AllFrameError `configuration` (rejected) for a URL that is not `https:`.
 * @example
 * const fetchInternal = createMtlsFetch(loadMtlsMaterial());
 * const res = await fetchInternal("https://inventory.internal:8443/stock/sku-1");
 */
export function createMtlsFetch(material: MtlsMaterial): MtlsFetch {
  const agent = mtlsAgent(material);
  const mtlsFetch = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const request = new Request(input, init);
    const url = new URL(request.url);
    if (url.protocol !== "https:") {
      throw new AllFrameError(
        "configuration",
        `mTLS fetch needs an https: URL, got ${url.protocol}//${url.host}`,
      );
    }
    const body = request.body === null ? undefined : Buffer.from(await request.arrayBuffer());
    const headers = Object.fromEntries(request.headers);
    return new Promise<Response>((resolve, reject) => {
      const outgoing = httpsRequest(
        url,
        { method: request.method, headers, agent, signal: request.signal },
        (res) => {
          const responseHeaders = new Headers();
          for (const [name, value] of Object.entries(res.headers)) {
            for (const one of [value ?? []].flat()) responseHeaders.append(name, one);
          }
          const status = res.statusCode ?? 502;
          const empty = NULL_BODY_STATUS.has(status) || request.method === "HEAD";
          if (empty) res.resume();
          const stream = empty ? null : (Readable.toWeb(res) as ReadableStream<Uint8Array>);
          resolve(new Response(stream, { status, statusText: res.statusMessage, headers: responseHeaders }));
        },
      );
      outgoing.on("error", (error) => {
        reject(
          request.signal.aborted ? request.signal.reason : new TypeError("fetch failed", { cause: error }),
        );
      });
      outgoing.end(body);
    });
  };
  return Object.assign(mtlsFetch, { close: () => agent.destroy() });
}
