/**
 * Repairs for protobufjs 7's file-descriptor support (`ext/descriptor`), so reflection serves what
 * protoc would and the explorer reads what a server sends:
 * - proto3 `optional` is kept as `proto3_optional`, but the descriptor field is `proto3Optional`, so
 *   the flag is lost on encode and ignored on decode (clients would see a oneof `_age`);
 * - a map field's entry type is named after the field (`Fields`) where protoc, and strict readers such
 *   as Go's protodesc, expect `FieldsEntry`;
 * - `Root.fromDescriptor` leaves map fields as `repeated <Entry>` lists of `{ key, value }`.
 * @module
 */
import type { INamespace } from "protobufjs";
import type { IDescriptorProto, IFileDescriptorProto } from "protobufjs/ext/descriptor/index.js";

type FieldFlags = { name?: string; typeName?: string; proto3_optional?: boolean; proto3Optional?: boolean };
type JsonNode = {
  nested?: Record<string, JsonNode>;
  fields?: Record<string, { rule?: string; type: string; id: number; keyType?: string }>;
  options?: Record<string, unknown>;
};

function eachMessage(
  messages: readonly IDescriptorProto[] | undefined,
  visit: (message: IDescriptorProto) => void,
): void {
  for (const message of messages ?? []) {
    visit(message);
    eachMessage(message.nestedType, visit);
  }
}

/** protoc's map entry name: `line_items` → `LineItemsEntry`. */
function mapEntryName(field: string): string {
  return `${field.replace(/(?:^|_)([a-z0-9])/g, (_match, char: string) => char.toUpperCase())}Entry`;
}

/**
 * Before encoding a descriptor made by protobufjs' `toDescriptor`: sets `proto3Optional` from
 * protobufjs' own flag and gives map entry types protoc's names.
 */
export function repairForWire(file: IFileDescriptorProto): void {
  eachMessage(file.messageType, (message) => {
    for (const field of (message.field ?? []) as FieldFlags[]) {
      if (field.proto3_optional === true) field.proto3Optional = true;
      const entry = message.nestedType?.find(
        (nested) => nested.options?.mapEntry === true && nested.name === field.typeName,
      );
      if (entry !== undefined && field.name !== undefined) {
        entry.name = mapEntryName(field.name);
        field.typeName = entry.name;
      }
    }
  });
}

/** After decoding a descriptor from the wire: sets the `proto3_optional` flag `Root.fromDescriptor` reads. */
export function repairFromWire(file: IFileDescriptorProto): void {
  eachMessage(file.messageType, (message) => {
    for (const field of (message.field ?? []) as FieldFlags[]) {
      if (field.proto3Optional === true) field.proto3_optional = true;
    }
  });
}

/**
 * Turns every `repeated <Entry>` field whose nested entry type is a map entry (`map_entry`, fields
 * `key` = 1 and `value` = 2) back into a map field, in the JSON form of a protobufjs root.
 */
export function restoreMapFields(node: INamespace): void {
  const json = node as JsonNode;
  const nested = json.nested ?? {};
  for (const [name, field] of Object.entries(json.fields ?? {})) {
    const entryName = field.type.split(".").pop() ?? field.type;
    const entry = nested[entryName];
    const key = entry?.fields?.key;
    const value = entry?.fields?.value;
    const isEntry = entry?.options?.map_entry === true && key?.id === 1 && value?.id === 2;
    if (field.rule !== "repeated" || !isEntry || json.fields === undefined) continue;
    json.fields[name] = { keyType: key.type, type: value.type, id: field.id };
    delete nested[entryName];
  }
  for (const child of Object.values(nested)) restoreMapFields(child as INamespace);
}
