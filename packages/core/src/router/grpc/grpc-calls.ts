/**
 * The grpc-js method implementations behind every handler: decode the request into the handler's
 * input, validate and run it (`parseHandlerInput`, `subscribeHandler`), check the output against the
 * output schema (the `.proto` was written from it), encode, and map failures with
 * {@link grpcErrorStatus}.
 * @module
 */
import type { handleServerStreamingCall, handleUnaryCall, ServerWritableStream } from "@grpc/grpc-js";
import { isAllFrameError } from "../../errors/allframe-error.ts";
import type { Logger } from "../../observability/logger.ts";
import type { Tracing } from "../../observability/tracing/create-tracing.ts";
import { withServerSpan } from "../../observability/tracing/server-span.ts";
import {
  type HandlerContext,
  type HandlerDefinition,
  isThenable,
  parseHandlerInput,
  parseHandlerOutput,
  type StreamHandler,
  subscribeHandler,
  type UnaryHandler,
} from "../handler.ts";
import type { InFlightCalls } from "./call-context.ts";
import { grpcErrorStatus } from "./grpc-status.ts";
import type { MessageCodec } from "./message-codec.ts";
import type { ProtoMethod } from "./proto-model.ts";

/** What every method implementation needs. */
export interface CallDeps {
  readonly codec: MessageCodec;
  readonly logger: Logger;
  readonly calls: InFlightCalls;
  /** When set, every unary call runs in a SERVER span parented on the caller's metadata. */
  readonly tracing?: Tracing | undefined;
}

function inputOf(method: ProtoMethod, request: unknown, deps: CallDeps): unknown {
  const decoded = deps.codec.decode(method.request, request);
  return method.requestWrapped ? decoded.value : decoded;
}

function outputOf(method: ProtoMethod, handler: HandlerDefinition, output: unknown, deps: CallDeps): object {
  const checked = parseHandlerOutput(handler, output);
  return deps.codec.encode(method.response, method.responseWrapped ? { value: checked } : checked);
}

/**
 * The grpc-js implementation of a unary handler.
 * @param rpc the method path for logs, e.g. `/allframe.users.v1.UserService/GetUser`.
 */
export function unaryCall(
  rpc: string,
  method: ProtoMethod,
  handler: UnaryHandler,
  deps: CallDeps,
): handleUnaryCall<unknown, object> {
  return (call, callback) => {
    const { ctx, finish } = deps.calls.open(call, false);
    const respond = (response: object) => {
      finish();
      callback(null, response);
    };
    const fail = (error: unknown) => {
      finish();
      callback(grpcErrorStatus(error, deps.logger, rpc));
    };
    // Synchronous as far as the handler is: a handler that answers at once costs no promise hops.
    const run = (): object | Promise<object> => {
      const output = handler.handle(parseHandlerInput(handler, inputOf(method, call.request, deps)), ctx);
      return isThenable(output)
        ? Promise.resolve(output).then((value) => outputOf(method, handler, value, deps))
        : outputOf(method, handler, output, deps);
    };
    if (deps.tracing !== undefined) {
      const name = rpc.slice(1);
      withServerSpan(
        deps.tracing,
        { protocol: "grpc", name, headers: ctx.headers, attributes: rpcAttributes(name) },
        async () => run(),
      ).then(respond, fail);
      return;
    }
    let answer: object | Promise<object>;
    try {
      answer = run();
    } catch (error) {
      fail(error);
      return;
    }
    if (answer instanceof Promise) answer.then(respond, fail);
    else respond(answer);
  };
}

/** `pkg.Service/Method` → the RPC semantic-convention attributes. */
function rpcAttributes(name: string): () => Record<string, string> {
  return () => {
    const slash = name.lastIndexOf("/");
    return { "rpc.service": name.slice(0, slash), "rpc.method": name.slice(slash + 1) };
  };
}

const ABORTED = Symbol("aborted");

function abortedPromise(signal: AbortSignal): Promise<typeof ABORTED> {
  return new Promise((resolve) => {
    if (signal.aborted) resolve(ABORTED);
    else signal.addEventListener("abort", () => resolve(ABORTED), { once: true });
  });
}

function drained(
  call: ServerWritableStream<unknown, object>,
  aborted: Promise<typeof ABORTED>,
): Promise<unknown> {
  return Promise.race([new Promise((resolve) => call.once("drain", resolve)), aborted]);
}

/**
 * Writes a handler's items until it ends or the call's signal aborts (client gone, or server stopping).
 * `next()` races the abort, so a handler that ignores its signal cannot keep the call open.
 */
async function pump(
  method: ProtoMethod,
  handler: StreamHandler,
  call: ServerWritableStream<unknown, object>,
  ctx: HandlerContext,
  deps: CallDeps,
): Promise<void> {
  const iterator = subscribeHandler(handler, inputOf(method, call.request, deps), ctx)[
    Symbol.asyncIterator
  ]();
  const aborted = abortedPromise(ctx.signal);
  try {
    for (;;) {
      const pending = iterator.next();
      // Once aborted nobody awaits `pending`; a late failure of the handler must not go unhandled.
      pending.catch(() => {});
      const next = await Promise.race([pending, aborted]);
      if (next === ABORTED || next.done === true) return;
      if (!call.write(outputOf(method, handler, next.value, deps))) await drained(call, aborted);
    }
  } finally {
    // Not awaited: a generator suspended in its own await finishes its `finally` when that settles.
    iterator
      .return?.()
      .catch((error: unknown) => deps.logger.warn({ err: error }, "stream handler failed to close"));
  }
}

/**
 * The grpc-js implementation of a stream handler (server-streaming rpc). When the server stops, the
 * stream ends with the stop reason's status (`UNAVAILABLE`), so clients know to reconnect.
 * @param rpc the method path for logs, e.g. `/allframe.users.v1.UserService/WatchUsers`.
 */
export function streamCall(
  rpc: string,
  method: ProtoMethod,
  handler: StreamHandler,
  deps: CallDeps,
): handleServerStreamingCall<unknown, object> {
  return (call) => {
    const { ctx, finish } = deps.calls.open(call, true);
    pump(method, handler, call, ctx, deps)
      .then(() => {
        const reason: unknown = ctx.signal.reason;
        if (ctx.signal.aborted && isAllFrameError(reason))
          call.emit("error", grpcErrorStatus(reason, undefined, rpc));
        else call.end();
      })
      .catch((error: unknown) => call.emit("error", grpcErrorStatus(error, deps.logger, rpc)))
      .finally(finish);
  };
}
