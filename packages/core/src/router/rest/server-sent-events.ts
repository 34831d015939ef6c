/**
 * Serves an async iterable as server-sent events (WHATWG HTML, "Server-sent events"): one `data:`
 * line of JSON per item. The stream ends when the iterable ends, when `signal` aborts (client gone,
 * service stopping) or on an error, which is sent as a last `event: error` whose data is the usual
 * error body.
 * @module
 */
import type { ServerResponse } from "node:http";
import type { ErrorBody } from "../../runtime/http-errors.ts";

const STOPPED = Symbol("stopped");

function drained(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off("drain", done);
      res.off("close", done);
      resolve();
    };
    res.on("drain", done);
    res.on("close", done);
  });
}

/**
 * Writes `items` to `res` as an event stream (status 200, `text/event-stream`, no caching, no proxy
 * buffering), waiting for the socket to drain when the client reads slowly.
 *
 * @param item turns an item into the JSON value to send (e.g. validates it); may throw.
 * @param failure maps an error thrown by the iterable or by `item` to the error body to send.
 * Resolves once the response ended; never rejects.
 */
export async function writeEventStream(
  res: ServerResponse,
  items: AsyncIterable<unknown>,
  signal: AbortSignal,
  item: (value: unknown) => unknown,
  failure: (error: unknown) => ErrorBody,
): Promise<void> {
  res.writeHead(200, {
    "content-type": "text/event-stream; charset=utf-8",
    "cache-control": "no-cache",
    "x-accel-buffering": "no",
  });
  res.flushHeaders();
  const iterator = items[Symbol.asyncIterator]();
  // One wake-up per wait, rather than Promise.race against a long-lived promise, which would keep a
  // reaction per item alive for the whole stream.
  let wake: ((value: typeof STOPPED) => void) | undefined;
  const onAbort = () => wake?.(STOPPED);
  signal.addEventListener("abort", onAbort, { once: true });
  let exhausted = false;
  try {
    while (!signal.aborted) {
      const next = await new Promise<IteratorResult<unknown> | typeof STOPPED>((resolve, reject) => {
        wake = resolve;
        iterator.next().then(resolve, reject);
      });
      if (next === STOPPED) break;
      if (next.done === true) {
        exhausted = true;
        break;
      }
      if (!res.write(`data: ${JSON.stringify(item(next.value))}\n\n`)) await drained(res);
    }
  } catch (error) {
    res.write(`event: error\ndata: ${JSON.stringify(failure(error))}\n\n`);
  } finally {
    signal.removeEventListener("abort", onAbort);
    if (!exhausted) iterator.return?.()?.catch(() => undefined);
    res.end();
  }
}
