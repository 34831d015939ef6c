/**
 * One OpenAPI 3.1 Operation Object per REST-bound handler: path and query parameters and the
 * request body from the input schema, responses from the output schema and the declared error codes.
 * @module
 */
import { ERROR_CODE_MAPPING, type ErrorCode } from "../../errors/allframe-error.ts";
import { type HandlerDefinition, pascalCase, type RestBinding } from "../handler.ts";
import { ERROR_SCHEMA_NAME } from "./error-schema.ts";
import { type JsonSchema, propertiesOf, requiredOf, toJsonSchema } from "./json-schema.ts";

/** `components.schemas`, filled as operations are built. */
export type SchemaComponents = Record<string, JsonSchema>;

/** A handler's route as an OpenAPI path item entry. */
export interface RestOperation {
  /** OpenAPI path template, e.g. `/users/{id}`. */
  readonly path: string;
  /** Lower-case method, the path item's key, e.g. `get`. */
  readonly method: string;
  readonly operation: JsonSchema;
}

const PATH_PARAM = /:([A-Za-z0-9_]+)(?:\([^)]*\))?/g;
const ERROR_CONTENT = {
  "application/json": { schema: { $ref: `#/components/schemas/${ERROR_SCHEMA_NAME}` } },
};

/**
 * Moves zod's `$defs` (recursive schemas, and schemas named with `.meta({ id })`) into
 * `components.schemas` and rewrites the references: inside an OpenAPI document `#/$defs/...` would
 * resolve against the document root. A definition keeps its own name (e.g. `User`, shared by every
 * handler that returns one) unless another, different schema already has it; then it becomes
 * `<prefix><name>`; zod's anonymous `__schema<N>` names always do. Decided in two passes, since
 * definitions refer to each other.
 */
function hoistDefs(schema: JsonSchema, prefix: string, components: SchemaComponents): JsonSchema {
  const { $defs, ...rest } = schema;
  if (typeof $defs !== "object" || $defs === null) return schema;
  const defs = Object.entries($defs as Record<string, JsonSchema>);
  const rename = (names: ReadonlyMap<string, string>) => {
    const rewrite = (value: unknown): unknown => {
      if (Array.isArray(value)) return value.map(rewrite);
      if (typeof value !== "object" || value === null) return value;
      return Object.fromEntries(
        Object.entries(value).map(([key, inner]) => {
          if (key !== "$ref" || typeof inner !== "string" || !inner.startsWith("#/$defs/"))
            return [key, rewrite(inner)];
          const name = inner.slice("#/$defs/".length);
          return [key, `#/components/schemas/${names.get(name) ?? name}`];
        }),
      );
    };
    return rewrite;
  };
  // zod names anonymous (recursive) definitions `__schema<N>`: those always take the prefix.
  const own = (name: string) => (name.startsWith("__") ? `${prefix}${name}` : name);
  // Pass 1: own names are free when unused or used by an identical schema.
  const shared = rename(new Map(defs.map(([name]) => [name, own(name)])));
  const clashes = defs.some(([name, def]) => {
    const existing = components[own(name)];
    return existing !== undefined && JSON.stringify(existing) !== JSON.stringify(shared(def));
  });
  // Pass 2: on any clash every definition of this schema takes the prefix, keeping references consistent.
  const names = new Map(defs.map(([name]) => [name, clashes ? `${prefix}${name}` : own(name)]));
  const rewrite = rename(names);
  for (const [name, def] of defs) components[names.get(name) ?? name] = rewrite(def) as JsonSchema;
  return rewrite(rest) as JsonSchema;
}

function errorResponses(handler: HandlerDefinition): Record<string, JsonSchema> {
  const byStatus = new Map<number, ErrorCode[]>([[400, ["validation"]]]);
  for (const code of handler.errors ?? []) {
    const status = ERROR_CODE_MAPPING[code].http;
    const codes = byStatus.get(status) ?? [];
    if (!codes.includes(code)) codes.push(code);
    byStatus.set(status, codes);
  }
  const responses: Record<string, JsonSchema> = {};
  for (const [status, codes] of byStatus) {
    const description =
      status === 400
        ? `Error ${codes.join(" or ")}: the input is invalid; \`error.issues\` names each bad field`
        : `Error ${codes.join(" or ")}`;
    responses[String(status)] = { description, content: ERROR_CONTENT };
  }
  return responses;
}

function successResponse(handler: HandlerDefinition, components: SchemaComponents): JsonSchema {
  const prefix = pascalCase(handler.name);
  const output = hoistDefs(toJsonSchema(handler.output, "output"), `${prefix}Output`, components);
  if (handler.kind === "unary") {
    return { description: "Success", content: { "application/json": { schema: output } } };
  }
  const item = `${prefix}Event`;
  components[item] = output;
  return {
    description: `Server-sent events; the \`data\` of each event is one JSON ${item}`,
    content: { "text/event-stream": { schema: { type: "string" } } },
  };
}

function parameter(name: string, where: "path" | "query", schema: JsonSchema, required: boolean): JsonSchema {
  const { description } = schema;
  return {
    name,
    in: where,
    required,
    schema,
    ...(typeof description === "string" ? { description } : {}),
  };
}

/** Builds the operation for `handler`, served at `binding`; adds any schemas it defines to `components`. */
export function restOperation(
  handler: HandlerDefinition,
  binding: RestBinding,
  components: SchemaComponents,
): RestOperation {
  const input = hoistDefs(
    toJsonSchema(handler.input, "input"),
    `${pascalCase(handler.name)}Input`,
    components,
  );
  const properties = propertiesOf(input);
  const required = requiredOf(input);
  const pathNames = [...binding.path.matchAll(PATH_PARAM)].map((match) => match[1] ?? "");
  const parameters = pathNames.map((name) =>
    parameter(name, "path", properties[name] ?? { type: "string" }, true),
  );
  const rest = Object.keys(properties).filter((name) => !pathNames.includes(name));
  const operation: JsonSchema = {
    operationId: handler.name,
    ...(handler.description === undefined ? {} : { summary: handler.description }),
  };
  if (binding.method === "GET" || binding.method === "DELETE") {
    for (const name of rest) {
      parameters.push(parameter(name, "query", properties[name] ?? {}, required.includes(name)));
    }
  } else if (rest.length > 0) {
    const body: JsonSchema = {
      ...input,
      properties: Object.fromEntries(rest.map((name) => [name, properties[name]])),
      required: required.filter((name) => rest.includes(name)),
    };
    const bodyRequired = requiredOf(body).length > 0;
    operation.requestBody = { required: bodyRequired, content: { "application/json": { schema: body } } };
  }
  if (parameters.length > 0) operation.parameters = parameters;
  const status = binding.successStatus ?? (binding.method === "POST" ? 201 : 200);
  operation.responses = {
    [String(status)]: successResponse(handler, components),
    ...errorResponses(handler),
  };
  return { path: binding.path.replace(PATH_PARAM, "{$1}"), method: binding.method.toLowerCase(), operation };
}
