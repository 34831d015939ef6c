/**
 * Calls any unary or server-streaming method with a JSON request through a real grpc-js client, from
 * types found by reflection; what the explorer's "Invoke" button runs on the server side.
 * @module
 */
import { Buffer } from "node:buffer";
import { type Client, Metadata, type ServiceError, status } from "@grpc/grpc-js";
import type protobuf from "protobufjs";
import { AllFrameError } from "../../errors/allframe-error.ts";
import { decodeJson, encodeJson } from "./proto-json.ts";

/** Limits of one invocation. */
export interface InvokeLimits {
  /** Deadline of a unary call, in milliseconds. */
  readonly deadlineMs: number;
  /** A server stream is cancelled after this many messages. */
  readonly maxStreamMessages: number;
  /** A server stream is cancelled this many milliseconds after it starts. */
  readonly streamWindowMs: number;
}

/** The outcome of one call, as the explorer shows it. */
export interface InvokeResult {
  /** gRPC status code; 0 also when the explorer itself stopped a stream (see `stopped`). */
  readonly status: number;
  /** e.g. `NOT_FOUND`. */
  readonly statusName: string;
  /** Unary: the response message; server streaming: the messages received. */
  readonly response?: unknown;
  /** On a non-OK status: the details and the trailers (binary ones base64). */
  readonly error?: { readonly details: string; readonly metadata: Readonly<Record<string, string>> };
  /** Why the explorer cancelled a stream that was still open. */
  readonly stopped?: "max-messages" | "window";
}

function metadataObject(metadata: Metadata | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(metadata?.getMap() ?? {})) {
    out[key] = typeof value === "string" ? value : value.toString("base64");
  }
  return out;
}

function failed(error: ServiceError): InvokeResult {
  return {
    status: error.code,
    statusName: status[error.code] ?? "UNKNOWN",
    error: { details: error.details, metadata: metadataObject(error.metadata) },
  };
}

function methodOf(root: protobuf.Root, service: string, method: string): protobuf.Method {
  const found = root.lookup(service);
  const rpc = found !== null && "methods" in found ? (found as protobuf.Service).methods[method] : undefined;
  if (rpc === undefined)
    throw new AllFrameError("not-found", `the server has no method ${service}/${method}`);
  if (rpc.requestStream === true) {
    throw new AllFrameError(
      "unsupported",
      `${service}/${method} streams requests; the explorer calls unary and server-streaming methods`,
    );
  }
  rpc.resolve();
  return rpc;
}

/**
 * Invokes `service`/`method` with a JSON request (field names as in the `.proto`, enums by name).
 * Server streams are collected until they end, `maxStreamMessages` arrive, or `streamWindowMs` passes.
 *
 * @throws AllFrameError `not-found` for an unknown method, `unsupported` for a client-streaming one,
 *   `validation` for a request that does not fit the request type. A failed call is not thrown: it is
 *   the result's `status` and `error`.
 */
export function invokeMethod(
  client: Client,
  root: protobuf.Root,
  target: { readonly service: string; readonly method: string },
  request: unknown,
  limits: InvokeLimits,
): Promise<InvokeResult> {
  const rpc = methodOf(root, target.service, target.method);
  const requestType = rpc.resolvedRequestType as protobuf.Type;
  const responseType = rpc.resolvedResponseType as protobuf.Type;
  const bytes = Buffer.from(encodeJson(requestType, request));
  const path = `/${target.service}/${target.method}`;
  const serialize = (value: Buffer) => value;
  const deserialize = (value: Buffer) => decodeJson(responseType, value);
  if (rpc.responseStream !== true) {
    return new Promise((resolve) => {
      client.makeUnaryRequest(
        path,
        serialize,
        deserialize,
        bytes,
        new Metadata(),
        { deadline: Date.now() + limits.deadlineMs },
        (error, response) => {
          resolve(error === null ? { status: status.OK, statusName: "OK", response } : failed(error));
        },
      );
    });
  }
  return new Promise((resolve) => {
    const messages: unknown[] = [];
    let stopped: InvokeResult["stopped"];
    const call = client.makeServerStreamRequest(path, serialize, deserialize, bytes, new Metadata());
    const stop = (reason: NonNullable<InvokeResult["stopped"]>) => {
      stopped ??= reason;
      call.cancel();
    };
    const timer = setTimeout(() => stop("window"), limits.streamWindowMs);
    const finish = (result: InvokeResult) => {
      clearTimeout(timer);
      resolve(result);
    };
    call.on("data", (message: unknown) => {
      if (stopped !== undefined) return;
      messages.push(message);
      if (messages.length >= limits.maxStreamMessages) stop("max-messages");
    });
    call.on("error", (error: ServiceError) => {
      if (stopped !== undefined && error.code === status.CANCELLED) {
        finish({ status: status.OK, statusName: "OK", response: messages, stopped });
      } else finish({ ...failed(error), response: messages });
    });
    call.on("status", (end: { code: number }) => {
      if (end.code === status.OK) finish({ status: status.OK, statusName: "OK", response: messages });
    });
  });
}
