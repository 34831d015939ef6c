/**
 * The handlers' schema as an Apollo Federation 2 subgraph, built by `@apollo/subgraph`'s
 * `buildSubgraphSchema`, so a router can compose it (`{ _service { sdl } }`) and fetch its entities
 * (`_entities`). The `@link` to the federation spec is a directive naming the spec version; nothing is
 * fetched from that URL.
 * @module
 */
import { buildSubgraphSchema } from "@apollo/subgraph";
import {
  type ConstDirectiveNode,
  type DocumentNode,
  type GraphQLFieldMap,
  type GraphQLObjectType,
  type GraphQLSchema,
  getNamedType,
  isEnumType,
  isIntrospectionType,
  isLeafType,
  isObjectType,
  isScalarType,
  isSpecifiedScalarType,
  Kind,
  parse,
  printSchema,
} from "graphql";
import { type HandlerContext, type HandlerDefinition, invokeHandler, type UnaryHandler } from "../handler.ts";
import { buildHandlerSchema, type RootFieldExtensions } from "./handler-schema.ts";
import { objectFields, unwrapSchema } from "./zod-walk.ts";

/** The federation spec version the subgraph links; v2.3 is understood by every Federation 2 router. */
export const FEDERATION_SPEC_URL = "https://specs.apollo.dev/federation/v2.3";

type Resolvers = NonNullable<
  Extract<Parameters<typeof buildSubgraphSchema>[0], { resolvers?: unknown }>["resolvers"]
>;

/**
 * The handlers' schema (see `buildHandlerSchema`) as a subgraph. Entity rule: every output object type
 * with an `id` field of a scalar or enum type is an entity, `@key(fields: "id")`. Its
 * `__resolveReference` runs the first query handler that returns that type and accepts `{ id }` alone
 * (its input has an `id` field and every other field is optional); without such a handler the key is
 * `@key(fields: "id", resolvable: false)`: other subgraphs may reference the entity, but the router
 * will not ask this subgraph to resolve it.
 * @throws AllFrameError `configuration` as `buildHandlerSchema` does.
 */
export function buildSubgraphHandlerSchema(handlers: readonly HandlerDefinition[]): GraphQLSchema {
  const schema = buildHandlerSchema(handlers, { federation: true });
  const entities = findEntities(schema);
  const printed = parse(printSchema(schema));
  const typeDefs: DocumentNode = {
    kind: Kind.DOCUMENT,
    definitions: [
      ...parse(`extend schema @link(url: "${FEDERATION_SPEC_URL}", import: ["@key"])`).definitions,
      ...printed.definitions.map((definition) =>
        definition.kind === Kind.OBJECT_TYPE_DEFINITION && entities.has(definition.name.value)
          ? { ...definition, directives: [keyDirective(entities.get(definition.name.value) !== undefined)] }
          : definition,
      ),
    ],
  };
  return buildSubgraphSchema({ typeDefs, resolvers: resolversOf(schema, entities) });
}

/** Entity type name → the query handler that resolves it by id, or undefined when none does. */
function findEntities(schema: GraphQLSchema): Map<string, UnaryHandler | undefined> {
  const lookups = new Map<GraphQLObjectType, UnaryHandler>();
  for (const field of Object.values(schema.getQueryType()?.getFields() ?? {})) {
    const handler = (field.extensions as Partial<RootFieldExtensions>).allframe?.handler;
    const type = getNamedType(field.type);
    if (handler?.kind === "unary" && isObjectType(type) && acceptsIdAlone(handler) && !lookups.has(type)) {
      lookups.set(type, handler);
    }
  }
  const roots = new Set([schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()]);
  const entities = new Map<string, UnaryHandler | undefined>();
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || isIntrospectionType(type) || roots.has(type)) continue;
    const id = type.getFields().id;
    if (id !== undefined && isLeafType(getNamedType(id.type))) entities.set(type.name, lookups.get(type));
  }
  return entities;
}

function acceptsIdAlone(handler: UnaryHandler): boolean {
  const fields = objectFields(handler.input);
  if (fields === undefined) return false;
  return (
    fields.some(([key]) => key === "id") &&
    fields.every(([key, field]) => key === "id" || unwrapSchema(field).nullable)
  );
}

function keyDirective(resolvable: boolean): ConstDirectiveNode {
  const name = (value: string) => ({ kind: Kind.NAME, value }) as const;
  const fields = {
    kind: Kind.ARGUMENT,
    name: name("fields"),
    value: { kind: Kind.STRING, value: "id" },
  } as const;
  const notResolvable = {
    kind: Kind.ARGUMENT,
    name: name("resolvable"),
    value: { kind: Kind.BOOLEAN, value: false },
  } as const;
  return {
    kind: Kind.DIRECTIVE,
    name: name("key"),
    arguments: resolvable ? [fields] : [fields, notResolvable],
  };
}

/** The resolvers the printed SDL lost: root fields, custom scalars, enum values, entity lookups. */
function resolversOf(schema: GraphQLSchema, entities: Map<string, UnaryHandler | undefined>): Resolvers {
  const resolvers: Resolvers = {};
  const rootFields = (fields: GraphQLFieldMap<unknown, unknown>) =>
    Object.fromEntries(
      Object.values(fields).map((field) => [
        field.name,
        { resolve: field.resolve, subscribe: field.subscribe },
      ]),
    );
  for (const root of [schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()]) {
    if (root) resolvers[root.name] = rootFields(root.getFields());
  }
  for (const type of Object.values(schema.getTypeMap())) {
    if (isIntrospectionType(type)) continue;
    if (isScalarType(type) && !isSpecifiedScalarType(type)) resolvers[type.name] = type;
    if (isEnumType(type))
      resolvers[type.name] = Object.fromEntries(type.getValues().map((v) => [v.name, v.value]));
  }
  for (const [typeName, handler] of entities) {
    if (handler === undefined) continue;
    resolvers[typeName] = {
      __resolveReference: (reference: { id: unknown }, ctx: HandlerContext) =>
        invokeHandler(handler, { id: reference.id }, ctx),
    };
  }
  return resolvers;
}
