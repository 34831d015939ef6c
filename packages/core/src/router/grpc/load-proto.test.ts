import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { ProtobufTypeDefinition } from "@grpc/proto-loader";
import descriptor from "protobufjs/ext/descriptor/index.js";
import { z } from "zod";
import { hasErrorCode } from "../../errors/allframe-error.ts";
import { defineHandler } from "../handler.ts";
import { loadProto } from "./load-proto.ts";
import { buildProtoFile } from "./proto-text.ts";

interface File {
  name: string;
  package: string;
  dependency: string[];
  messageType: Array<{
    name: string;
    field: Array<{ name: string; typeName?: string; proto3Optional?: boolean }>;
    nestedType?: Array<{ name: string }>;
  }>;
}

const handler = defineHandler({
  kind: "unary",
  name: "tag",
  input: z.object({ labels: z.record(z.string(), z.string()), note: z.string().optional() }),
  output: z.object({ ok: z.boolean() }),
  grpc: { service: "TagService" },
  handle: () => ({ ok: true }),
});

describe("loadProto", () => {
  it("serves file descriptors as protoc would: real names, imports, proto3 optional, map entry names", () => {
    const { packageDefinition, root } = loadProto(
      buildProtoFile([handler], { package: "acme.tags.v1" }),
      "acme/tags/v1/tag_service.proto",
    );
    assert.ok(root.lookupService("acme.tags.v1.TagService"));
    const definition = packageDefinition["acme.tags.v1.TagRequest"] as ProtobufTypeDefinition;
    const files = definition.fileDescriptorProtos.map(
      (bytes) => descriptor.FileDescriptorProto.decode(bytes) as unknown as File,
    );
    const own = files.find((file) => file.package === "acme.tags.v1");
    const struct = files.find((file) => file.package === "google.protobuf");
    assert.equal(own?.name, "acme/tags/v1/tag_service.proto");
    assert.deepEqual(own?.dependency, ["google/protobuf/struct.proto"]);
    assert.equal(struct?.name, "google/protobuf/struct.proto");
    const note = own?.messageType.find((m) => m.name === "TagRequest")?.field.find((f) => f.name === "note");
    assert.equal(note?.proto3Optional, true);
    const structType = struct?.messageType.find((m) => m.name === "Struct");
    assert.deepEqual(
      structType?.nestedType?.map((n) => n.name),
      ["FieldsEntry"],
    );
    assert.equal(structType?.field[0]?.typeName, "FieldsEntry");
  });

  it("rejects text that does not parse, or imports other than well-known types, naming the file", () => {
    assert.throws(
      () => loadProto('syntax = "proto3";\nmessage {', "broken.proto"),
      (error: unknown) =>
        hasErrorCode(error, "configuration") && /^broken\.proto does not parse: .*line 2/.test(error.message),
    );
    assert.throws(
      () => loadProto('syntax = "proto3";\nimport "other/thing.proto";\nmessage A {}', "a.proto"),
      (error: unknown) =>
        hasErrorCode(error, "configuration") &&
        /imports other\/thing\.proto; only google\/protobuf/.test(error.message),
    );
  });
});
