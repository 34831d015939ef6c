/**
 * Builds the {@link ProtoModel} of a set of handlers: one service per `grpc.service`, one rpc per
 * handler, request/response messages named `<Method>Request`/`<Method>Response` (Google API design
 * guide, "Standard methods"), types from the zod schemas via `schema-to-proto.ts`.
 * @module
 */
import { z } from "zod";
import { AllFrameError } from "../../errors/allframe-error.ts";
import { assertDistinctHandlers, grpcMethodName, type HandlerDefinition } from "../handler.ts";
import type { ProtoMethod, ProtoModel, ProtoService } from "./proto-model.ts";
import { assertPackageName } from "./proto-names.ts";
import { type JsonSchema, ProtoTypeRegistry } from "./schema-to-proto.ts";

/** Options for {@link buildProtoModel} and `buildProtoFile`. */
export interface ProtoOptions {
  /** Protobuf package, dot-separated lower-case with a version last, e.g. `allframe.users.v1`. */
  readonly package: string;
}

function jsonSchema(handler: HandlerDefinition, side: "input" | "output"): JsonSchema {
  try {
    const schema = side === "input" ? handler.input : handler.output;
    return z.toJSONSchema(schema, { io: side, unrepresentable: "any" }) as JsonSchema;
  } catch (error) {
    throw new AllFrameError(
      "configuration",
      `handler "${handler.name}": its ${side} schema cannot be described for gRPC (${error instanceof Error ? error.message : String(error)}); simplify the schema`,
      { cause: error },
    );
  }
}

function groupByService(handlers: readonly HandlerDefinition[]): Map<string, HandlerDefinition[]> {
  const services = new Map<string, HandlerDefinition[]>();
  for (const handler of handlers) {
    if (handler.grpc === undefined) continue;
    const list = services.get(handler.grpc.service) ?? [];
    list.push(handler);
    services.set(handler.grpc.service, list);
  }
  return services;
}

/** Every method name must be unique in the package: its request and response messages are package-level. */
function reservedNames(services: Map<string, HandlerDefinition[]>): string[] {
  const owner = new Map<string, string>();
  for (const [service, handlers] of services) {
    for (const handler of handlers) {
      const method = grpcMethodName(handler);
      const other = owner.get(method);
      if (other !== undefined) {
        throw new AllFrameError(
          "configuration",
          `gRPC method ${method} is declared by services ${other} and ${service}; its ${method}Request message would be declared twice, so give one of them another grpc.method`,
        );
      }
      owner.set(method, service);
    }
  }
  const methods = [...owner.keys()];
  const names = [...services.keys(), ...methods.flatMap((m) => [`${m}Request`, `${m}Response`])];
  const clash = [...services.keys()].find((service) =>
    methods.some((m) => `${m}Request` === service || `${m}Response` === service),
  );
  if (clash !== undefined) {
    throw new AllFrameError(
      "configuration",
      `gRPC service ${clash} has the name of a request or response message; rename the service`,
    );
  }
  return names;
}

/**
 * Builds the protobuf model of every handler with a `grpc` binding.
 *
 * @param handlers any handlers; those without a `grpc` binding are left out.
 * @returns services in order of first appearance, methods in handler order, messages and enums in
 *   discovery order (so the same handlers always give the same model).
 * @throws AllFrameError `configuration` when the package name is invalid, no handler has a gRPC
 *   binding, two handlers collide (`assertDistinctHandlers`), a method name is used by two services,
 *   or a schema key has no protobuf field name.
 */
export function buildProtoModel(handlers: readonly HandlerDefinition[], options: ProtoOptions): ProtoModel {
  assertPackageName(options.package);
  const grpcHandlers = handlers.filter((handler) => handler.grpc !== undefined);
  if (grpcHandlers.length === 0) {
    throw new AllFrameError(
      "configuration",
      `gRPC package ${options.package}: no handler has a grpc binding; add grpc: { service: "UserService" } to the handlers to serve`,
    );
  }
  assertDistinctHandlers(grpcHandlers);
  const grouped = groupByService(grpcHandlers);
  const registry = new ProtoTypeRegistry(reservedNames(grouped));
  const services: ProtoService[] = [];
  for (const [name, serviceHandlers] of grouped) {
    const methods: ProtoMethod[] = serviceHandlers.map((handler) => {
      const method = grpcMethodName(handler);
      const request = `${method}Request`;
      const response = `${method}Response`;
      const input = registry.addRoot(
        request,
        jsonSchema(handler, "input"),
        `handler "${handler.name}" input`,
      );
      const output = registry.addRoot(
        response,
        jsonSchema(handler, "output"),
        `handler "${handler.name}" output`,
      );
      return {
        name: method,
        handler,
        request,
        response,
        requestWrapped: input.wrapped,
        responseWrapped: output.wrapped,
        serverStreaming: handler.kind === "stream",
      };
    });
    services.push({ name, methods });
  }
  return {
    package: options.package,
    services,
    messages: registry.messages,
    enums: registry.enums,
    usesStruct: registry.usesStruct,
  };
}
