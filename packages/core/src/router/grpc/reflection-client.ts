/**
 * A gRPC server reflection client (https://github.com/grpc/grpc/blob/master/doc/server-reflection.md).
 * `@grpc/reflection` ships only the server side, so this speaks `grpc.reflection.v1.ServerReflection/
 * ServerReflectionInfo` with grpc-js and the reflection `.proto` that package ships, then rebuilds the
 * server's types with protobufjs from the file descriptors it returns.
 * @module
 */
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { type Client, Metadata, type ServiceDefinition } from "@grpc/grpc-js";
import { loadSync } from "@grpc/proto-loader";
import protobuf from "protobufjs";
import descriptor, {
  type IFileDescriptorProto,
  type IFileDescriptorSet,
} from "protobufjs/ext/descriptor/index.js";
import { AllFrameError } from "../../errors/allframe-error.ts";
import { repairFromWire, restoreMapFields } from "./descriptor-repairs.ts";

const REFLECTION_PROTO = join(
  dirname(createRequire(import.meta.url).resolve("@grpc/reflection")),
  "../proto/grpc/reflection/v1/reflection.proto",
);

/** Services every reflecting server adds; not the application's own. */
const REFLECTION_PREFIX = "grpc.reflection.";

interface ReflectionResponse {
  listServicesResponse?: { service: { name: string }[] };
  fileDescriptorResponse?: { fileDescriptorProto: Uint8Array[] };
  errorResponse?: { errorCode: number; errorMessage: string };
}

/** What a server exposes. */
export interface ReflectedServices {
  /** protobufjs root with every type the services use, resolved. */
  readonly root: protobuf.Root;
  /** Fully qualified service names, e.g. `allframe.users.v1.UserService`, reflection services left out. */
  readonly services: readonly string[];
}

let method: ServiceDefinition[string] | undefined;
function reflectionMethod(): ServiceDefinition[string] {
  if (method === undefined) {
    const definition = loadSync(REFLECTION_PROTO, {
      keepCase: false,
      longs: Number,
      enums: String,
      defaults: true,
      oneofs: true,
    });
    const service = definition["grpc.reflection.v1.ServerReflection"] as ServiceDefinition;
    method = service.ServerReflectionInfo;
  }
  if (method === undefined)
    throw new AllFrameError("internal", `${REFLECTION_PROTO} has no ServerReflectionInfo`);
  return method;
}

/**
 * A resolved root for the descriptors: `Root.fromDescriptor` (added to protobufjs at run time by
 * `protobufjs/ext/descriptor`), rebuilt from its JSON with map fields restored.
 */
function rootFromDescriptors(set: IFileDescriptorSet): protobuf.Root {
  const withDescriptors = protobuf.Root as unknown as {
    fromDescriptor(set: IFileDescriptorSet): protobuf.Root;
  };
  const json = withDescriptors.fromDescriptor(set).toJSON();
  restoreMapFields(json);
  const root = protobuf.Root.fromJSON(json);
  root.resolveAll();
  return root;
}

/**
 * Asks a server for its services and their file descriptors over one reflection stream.
 *
 * @param client any grpc-js client connected to the server.
 * @param deadlineMs upper bound for the whole exchange, in milliseconds.
 * @throws AllFrameError `unavailable` when the server cannot be reached or does not serve reflection
 *   (the message carries the gRPC status), `internal` when its answer is malformed.
 */
export async function reflectServices(client: Client, deadlineMs: number): Promise<ReflectedServices> {
  const info = reflectionMethod();
  const call = client.makeBidiStreamRequest(
    info.path,
    info.requestSerialize,
    info.responseDeserialize,
    new Metadata(),
    {
      deadline: Date.now() + deadlineMs,
    },
  );
  const waiting: Array<{ resolve: (r: ReflectionResponse) => void; reject: (e: unknown) => void }> = [];
  let failure: AllFrameError | undefined;
  call.on("data", (response: ReflectionResponse) => waiting.shift()?.resolve(response));
  call.on("error", (error: Error & { code?: number; details?: string }) => {
    failure = new AllFrameError(
      "unavailable",
      `server reflection failed: ${error.details ?? error.message} (gRPC status ${error.code})`,
      {
        cause: error,
      },
    );
    for (const pending of waiting.splice(0)) pending.reject(failure);
  });
  const ask = (request: object): Promise<ReflectionResponse> =>
    failure !== undefined
      ? Promise.reject(failure)
      : new Promise((resolve, reject) => {
          waiting.push({ resolve, reject });
          call.write(request);
        });
  try {
    const listed = await ask({ listServices: "*" });
    const services = (listed.listServicesResponse?.service ?? [])
      .map((service) => service.name)
      .filter((name) => !name.startsWith(REFLECTION_PREFIX));
    const files = new Map<string, IFileDescriptorProto>();
    for (const service of services) {
      const answer = await ask({ fileContainingSymbol: service });
      if (answer.errorResponse !== undefined) {
        throw new AllFrameError(
          "internal",
          `server reflection has no file for ${service}: ${answer.errorResponse.errorMessage}`,
        );
      }
      for (const bytes of answer.fileDescriptorResponse?.fileDescriptorProto ?? []) {
        const file = descriptor.FileDescriptorProto.decode(bytes) as unknown as IFileDescriptorProto;
        repairFromWire(file);
        if (file.name !== undefined && file.name !== null && !files.has(file.name))
          files.set(file.name, file);
      }
    }
    return { root: rootFromDescriptors({ file: [...files.values()] }), services };
  } finally {
    call.end();
  }
}
