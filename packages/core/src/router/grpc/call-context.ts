/**
 * The handler context of one gRPC call, and the set of calls a server is answering. Headers and the
 * abort signal are built on first use: most unary handlers read neither, and an `AbortController`
 * plus a `cancelled` listener per call is a measurable share of a small call's cost (issue 5
 * performance: gRPC unary calls at ≥ 1.0× plain grpc-js). As in `RestContext`, laziness changes no
 * behaviour: a signal first read after the client left or the server aborted the call is already
 * aborted.
 * @module
 */
import type { Metadata } from "@grpc/grpc-js";
import type { HandlerContext } from "../handler.ts";

/** What a context needs of a grpc-js server call (unary or server-streaming). */
export interface CancellableCall {
  readonly metadata: Metadata;
  /** True once the client cancelled or the deadline passed. */
  readonly cancelled: boolean;
  once(event: "cancelled", listener: () => void): unknown;
  off(event: "cancelled", listener: () => void): unknown;
}

/** Metadata as handler headers: first value per key; binary (`-bin`) values base64. */
function headersOf(metadata: Metadata): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [key, value] of Object.entries(metadata.getMap())) {
    headers[key] = typeof value === "string" ? value : value.toString("base64");
  }
  return headers;
}

/** `HandlerContext` of a gRPC call: `protocol` "grpc", metadata as headers, a signal for cancel and stop. */
export class GrpcCallContext implements HandlerContext {
  readonly protocol = "grpc";
  readonly #call: CancellableCall;
  #headers: Record<string, string> | undefined;
  #controller: AbortController | undefined;
  /** Set when the server aborted the call before anyone read the signal. */
  #early: { readonly reason: unknown } | undefined;
  #onCancelled: (() => void) | undefined;

  constructor(call: CancellableCall) {
    this.#call = call;
  }

  get headers(): Readonly<Record<string, string>> {
    this.#headers ??= headersOf(this.#call.metadata);
    return this.#headers;
  }

  /** Aborted (no reason) when the client cancels or the deadline passes; with the stop reason on stop. */
  get signal(): AbortSignal {
    if (this.#controller === undefined) {
      const controller = new AbortController();
      this.#controller = controller;
      if (this.#early !== undefined) controller.abort(this.#early.reason);
      else if (this.#call.cancelled) controller.abort();
      else {
        this.#onCancelled = () => controller.abort();
        this.#call.once("cancelled", this.#onCancelled);
      }
    }
    return this.#controller.signal;
  }

  /** Aborts the call's signal with `reason` (now, or when it is first read). */
  abort(reason: unknown): void {
    if (this.#controller !== undefined) this.#controller.abort(reason);
    else this.#early ??= { reason };
  }

  /** Stops listening to the call; the call is over. */
  detach(): void {
    if (this.#onCancelled !== undefined) this.#call.off("cancelled", this.#onCancelled);
  }
}

/** The calls a server is answering, so shutdown can end streams and, at its deadline, everything. */
export class InFlightCalls {
  readonly #unary = new Set<GrpcCallContext>();
  readonly #streams = new Set<GrpcCallContext>();

  /** Registers a call and returns its context; `finish()` unregisters it. */
  open(call: CancellableCall, streaming: boolean): { ctx: GrpcCallContext; finish: () => void } {
    const ctx = new GrpcCallContext(call);
    const set = streaming ? this.#streams : this.#unary;
    set.add(ctx);
    return {
      ctx,
      finish: () => {
        ctx.detach();
        set.delete(ctx);
      },
    };
  }

  /** Aborts the signal of every open server-streaming call. */
  abortStreams(reason: unknown): void {
    for (const ctx of this.#streams) ctx.abort(reason);
  }

  /** Aborts the signal of every open call. */
  abortAll(reason: unknown): void {
    this.abortStreams(reason);
    for (const ctx of this.#unary) ctx.abort(reason);
  }
}
