/**
 * The {@link HandlerContext} of one REST request. Headers and the abort signal are built on first
 * use: most handlers read neither, and Node itself builds `req.headers` only when asked, which on a
 * hello-world route costs more than the routing (as does an AbortController plus a `close`
 * listener per request).
 * @module
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { AllFrameError } from "../../errors/allframe-error.ts";
import type { HandlerContext } from "../handler.ts";

function clientGone(): AllFrameError {
  return new AllFrameError("unavailable", "the client closed the connection before the response finished");
}

/** Node joins repeated headers into one string except `set-cookie`, which stays a list: keep its first. */
function firstValues(headers: IncomingMessage["headers"]): Readonly<Record<string, string | undefined>> {
  const cookies = headers["set-cookie"];
  if (cookies === undefined) return headers as Readonly<Record<string, string | undefined>>;
  return { ...headers, "set-cookie": cookies[0] } as Readonly<Record<string, string | undefined>>;
}

/**
 * Context for a handler answering `req` on `res`: `protocol` `"rest"`, Node's lower-cased headers,
 * and a signal that aborts (reason: AllFrameError `unavailable`) when the client disconnects before
 * the response finished, or when `serviceSignal` aborts (the service is shutting down).
 */
export class RestContext implements HandlerContext {
  readonly protocol = "rest";
  readonly #req: IncomingMessage;
  readonly #res: ServerResponse;
  readonly #serviceSignal: AbortSignal | undefined;
  #headers: Readonly<Record<string, string | undefined>> | undefined;
  #signal: AbortSignal | undefined;

  constructor(req: IncomingMessage, res: ServerResponse, serviceSignal: AbortSignal | undefined) {
    this.#req = req;
    this.#res = res;
    this.#serviceSignal = serviceSignal;
  }

  get headers(): Readonly<Record<string, string | undefined>> {
    this.#headers ??= firstValues(this.#req.headers);
    return this.#headers;
  }

  get signal(): AbortSignal {
    this.#signal ??= this.#createSignal();
    return this.#signal;
  }

  #createSignal(): AbortSignal {
    const res = this.#res;
    const client = new AbortController();
    if (res.closed) {
      if (!res.writableFinished) client.abort(clientGone());
    } else {
      res.once("close", () => {
        if (!res.writableFinished) client.abort(clientGone());
      });
    }
    const service = this.#serviceSignal;
    return service === undefined ? client.signal : AbortSignal.any([client.signal, service]);
  }
}
