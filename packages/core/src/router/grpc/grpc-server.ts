/**
 * Serves handlers over gRPC on `@grpc/grpc-js` (seed 001, Phase 6: one handler, exposed over
 * REST/GraphQL/gRPC): the `.proto` is generated from the handlers' zod schemas, loaded in memory,
 * served with server reflection (`@grpc/reflection`, v1 and v1alpha) so grpcurl, Postman and the
 * AllFrame explorer discover it, and shut down gracefully.
 * @module
 */
import { Buffer } from "node:buffer";
import {
  type ChannelOptions,
  type MethodDefinition,
  Server,
  ServerCredentials,
  type ServiceDefinition,
} from "@grpc/grpc-js";
import { ReflectionService } from "@grpc/reflection";
import { AllFrameError } from "../../errors/allframe-error.ts";
import { createLogger, type Logger } from "../../observability/logger.ts";
import type { Tracing } from "../../observability/tracing/create-tracing.ts";
import type { HandlerDefinition } from "../handler.ts";
import { buildProtoModel } from "./build-proto-model.ts";
import { InFlightCalls } from "./call-context.ts";
import { streamCall, unaryCall } from "./grpc-calls.ts";
import { loadProto } from "./load-proto.ts";
import { createMessageCodec } from "./message-codec.ts";
import { protoFileName, renderProto } from "./proto-text.ts";

/** Options for {@link startGrpcServer}. */
export interface GrpcServerOptions {
  /** Handlers to serve; those without a `grpc` binding are left out. */
  readonly handlers: readonly HandlerDefinition[];
  /** Protobuf package, e.g. `allframe.users.v1`. */
  readonly package: string;
  /** TCP port; `0` picks a free ephemeral port. */
  readonly port: number;
  /** Interface to bind; default `"127.0.0.1"`. Use `"0.0.0.0"` in containers. */
  readonly host?: string;
  /**
   * Transport security; default insecure (plaintext HTTP/2). For TLS or mTLS pass
   * `ServerCredentials.createSsl(rootCa, [{ private_key, cert_chain }], true)`.
   */
  readonly credentials?: ServerCredentials;
  /** Logger for failures the client does not see; default `createLogger({ service: package })`. */
  readonly logger?: Logger;
  /** Trace every unary call (a SERVER span parented on the caller's metadata); default off. */
  readonly tracing?: Tracing;
  /** Serve server reflection; default true. */
  readonly reflection?: boolean;
  /** grpc-js server options, e.g. `{ "grpc.max_receive_message_length": 4194304 }`. */
  readonly channelOptions?: ChannelOptions;
}

/** A running gRPC server. */
export interface GrpcServer {
  /** The bound port (the ephemeral one when `port` was 0). */
  readonly port: number;
  /** `host:port` for clients, e.g. `127.0.0.1:50051`. */
  readonly address: string;
  /** The generated `.proto` text the server speaks. */
  readonly proto: string;
  /**
   * Stops the server: ends server streams with `UNAVAILABLE` at once, lets unary calls finish for
   * up to `graceMs` (default 10000; 0 or less forces at once), then aborts their signals and closes
   * every connection. Idempotent; concurrent calls share one promise.
   * @returns `forced: true` when calls were still running at the deadline.
   */
  stop(graceMs?: number): Promise<{ forced: boolean }>;
}

function bind(server: Server, address: string, credentials: ServerCredentials): Promise<number> {
  return new Promise((resolve, reject) => {
    server.bindAsync(address, credentials, (error, port) => {
      if (error === null) resolve(port);
      else {
        reject(
          new AllFrameError(
            "configuration",
            `gRPC server cannot listen on ${address}: ${error.message}; pick a free port or another host`,
            {
              cause: error,
            },
          ),
        );
      }
    });
  });
}

function wireDefinitions(options: GrpcServerOptions, logger: Logger) {
  const model = buildProtoModel(options.handlers, { package: options.package });
  const proto = renderProto(model);
  const { root, packageDefinition } = loadProto(proto, protoFileName(model));
  const calls = new InFlightCalls();
  const deps = { codec: createMessageCodec(model), logger, calls, tracing: options.tracing };
  const services = model.services.map((service) => {
    const loaded = packageDefinition[`${model.package}.${service.name}`] as ServiceDefinition;
    const definition: Record<string, MethodDefinition<unknown, object>> = {};
    const implementation: Record<string, ReturnType<typeof unaryCall> | ReturnType<typeof streamCall>> = {};
    for (const method of service.methods) {
      const base = loaded[method.name];
      if (base === undefined)
        throw new AllFrameError("internal", `rpc ${method.name} is missing from the loaded proto`);
      const requestType = root.lookupType(`${model.package}.${method.request}`);
      const responseType = root.lookupType(`${model.package}.${method.response}`);
      // Decode to protobufjs messages and encode plain objects directly: the codec does the one
      // conversion pass proto-loader's toObject/fromObject would otherwise add.
      definition[method.name] = {
        ...base,
        requestDeserialize: (bytes: Buffer) => requestType.decode(bytes),
        responseSerialize: (value: object) => {
          const bytes = responseType.encode(value).finish();
          return Buffer.isBuffer(bytes)
            ? bytes
            : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
        },
      };
      implementation[method.name] =
        method.handler.kind === "unary"
          ? unaryCall(base.path, method, method.handler, deps)
          : streamCall(base.path, method, method.handler, deps);
    }
    return { definition: definition as ServiceDefinition, implementation };
  });
  return { proto, packageDefinition, services, calls };
}

/**
 * Starts a gRPC server for every handler with a `grpc` binding. Requests are decoded to the zod input
 * shape (enums as their zod strings, int64 as numbers, absent optional fields left out so defaults
 * apply) and run through `invokeHandler`/`subscribeHandler`; outputs are checked against the output
 * schema. Failures map through `ERROR_CODE_MAPPING` (see `grpc-status.ts`). Handlers get
 * `ctx.protocol` `"grpc"`, the metadata as headers, and a signal aborted when the client cancels (or
 * the deadline passes) and on stop.
 *
 * @throws AllFrameError `configuration` for what `buildProtoFile` rejects, or when the address cannot
 *   be bound.
 * @example
 * const grpc = await startGrpcServer({ handlers, package: "allframe.users.v1", port: 50051 });
 * host.onShutdown("grpc", () => grpc.stop(5_000).then(() => undefined));
 */
export async function startGrpcServer(options: GrpcServerOptions): Promise<GrpcServer> {
  const logger = options.logger ?? createLogger({ service: options.package });
  const { proto, packageDefinition, services, calls } = wireDefinitions(options, logger);
  const server = new Server(options.channelOptions);
  for (const { definition, implementation } of services) server.addService(definition, implementation);
  if (options.reflection !== false) new ReflectionService(packageDefinition).addToServer(server);

  const host = options.host ?? "127.0.0.1";
  const hostPart = host.includes(":") ? `[${host}]` : host;
  const port = await bind(
    server,
    `${hostPart}:${options.port}`,
    options.credentials ?? ServerCredentials.createInsecure(),
  );

  let stopping: Promise<{ forced: boolean }> | undefined;
  const shutdown = async (graceMs: number): Promise<{ forced: boolean }> => {
    const reason = new AllFrameError(
      "unavailable",
      "the gRPC server is shutting down; retry on another instance",
    );
    calls.abortStreams(reason);
    let timer: NodeJS.Timeout | undefined;
    const finished =
      graceMs > 0 &&
      (await Promise.race([
        new Promise<boolean>((resolve) => server.tryShutdown(() => resolve(true))),
        new Promise<boolean>((resolve) => {
          timer = setTimeout(() => resolve(false), graceMs);
        }),
      ]));
    clearTimeout(timer);
    if (finished) return { forced: false };
    calls.abortAll(reason);
    server.forceShutdown();
    return { forced: true };
  };
  return {
    port,
    address: `${hostPart}:${port}`,
    proto,
    stop: (graceMs = 10_000) => {
      stopping ??= shutdown(graceMs);
      return stopping;
    },
  };
}
