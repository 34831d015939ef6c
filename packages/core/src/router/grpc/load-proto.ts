/**
 * Loads generated `.proto` text in memory, without a temporary file: protobufjs parses it, the
 * well-known imports come from protobufjs' bundled copies, and `@grpc/proto-loader` builds the grpc-js
 * service definitions from the resulting descriptor set.
 * @module
 */
import { Buffer } from "node:buffer";
import {
  loadFileDescriptorSetFromObject,
  type PackageDefinition,
  type ProtobufTypeDefinition,
} from "@grpc/proto-loader";
import protobuf from "protobufjs";
import descriptor from "protobufjs/ext/descriptor/index.js";
import { AllFrameError } from "../../errors/allframe-error.ts";
import { repairForWire } from "./descriptor-repairs.ts";

/** A parsed `.proto` file. */
export interface LoadedProto {
  /** protobufjs root with every type resolved, for encoding and decoding. */
  readonly root: protobuf.Root;
  /**
   * proto-loader's definitions (`"allframe.users.v1.UserService"` → service definition, message names
   * → type definitions), whose file descriptors carry the file's real name and imports, as reflection
   * serves them to clients such as grpcurl.
   */
  readonly packageDefinition: PackageDefinition;
}

interface FileDescriptor {
  name: string;
  package: string;
  dependency: string[];
}

/**
 * Parses proto3 text with its imports of well-known types (`google/protobuf/*.proto`).
 *
 * @param text the `.proto` content.
 * @param fileName the name reflection reports for it, e.g. `allframe/users/v1/user_service.proto`.
 * @throws AllFrameError `configuration` when the text does not parse (the message has the line) or
 *   imports a file other than a well-known type.
 */
export function loadProto(text: string, fileName: string): LoadedProto {
  let parsed: protobuf.IParserResult;
  try {
    parsed = protobuf.parse(text, { keepCase: true, alternateCommentMode: true });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new AllFrameError("configuration", `${fileName} does not parse: ${reason}`, { cause: error });
  }
  const { root } = parsed;
  const imports = parsed.imports ?? [];
  for (const file of imports) {
    const bundled = protobuf.common.get(file);
    if (bundled === null || bundled.nested === undefined) {
      throw new AllFrameError(
        "configuration",
        `${fileName} imports ${file}; only google/protobuf well-known types can be imported`,
      );
    }
    root.addJSON(bundled.nested);
  }
  root.resolveAll();

  const set = root.toDescriptor("proto3");
  const files = set.file as unknown as FileDescriptor[];
  // protobufjs names files after their package; give ours its name, the well-known one its import path
  // (one file holds every google.protobuf type), and list what ours depends on.
  const own = files.find((file) => file.package === parsed.package);
  const others = files.filter((file) => file !== own);
  for (const file of others) {
    if (file.package === "google.protobuf" && imports.length === 1 && imports[0] !== undefined)
      file.name = imports[0];
  }
  if (own !== undefined) {
    own.name = fileName;
    own.dependency = others.map((file) => file.name);
  }
  for (const file of set.file) repairForWire(file);
  const encoded = set.file.map((file) => Buffer.from(descriptor.FileDescriptorProto.encode(file).finish()));
  const loaded = loadFileDescriptorSetFromObject(set, { keepCase: true });
  // proto-loader rebuilds descriptors from its own root, which drops `dependency`; serve ours instead.
  const packageDefinition: PackageDefinition = Object.fromEntries(
    Object.entries(loaded).map(([name, definition]) => [
      name,
      "fileDescriptorProtos" in definition
        ? { ...(definition as ProtobufTypeDefinition), fileDescriptorProtos: encoded }
        : definition,
    ]),
  ) as PackageDefinition;
  return { root, packageDefinition };
}
