/**
 * Builds the GraphQL schema a service's handlers describe: one root field per GraphQL binding, whose
 * resolver validates the arguments with the handler's zod schema and runs it (`invokeHandler`,
 * `subscribeHandler`), so GraphQL shares validation, errors and the implementation with REST and gRPC.
 * @module
 */
import {
  type GraphQLFieldConfig,
  type GraphQLFieldConfigArgumentMap,
  type GraphQLFieldConfigMap,
  GraphQLNonNull,
  GraphQLObjectType,
  type GraphQLOutputType,
  GraphQLSchema,
  GraphQLString,
  getNullableType,
} from "graphql";
import { AllFrameError, ERROR_CODE_MAPPING } from "../../errors/allframe-error.ts";
import {
  assertDistinctHandlers,
  graphqlFieldName,
  type HandlerContext,
  type HandlerDefinition,
  invokeHandler,
  subscribeHandler,
} from "../handler.ts";
import { abortableStream } from "./abortable-stream.ts";
import { fieldName, GraphqlTypeBuilder, typeNamePart } from "./type-builder.ts";
import { objectFields } from "./zod-walk.ts";

/** Options of {@link buildHandlerSchema}. */
export interface HandlerSchemaOptions {
  /**
   * The schema will become an Apollo Federation subgraph: `buildSubgraphSchema` adds the Query root
   * (`_service`), so no `ping` field is added (every subgraph serving `ping` would clash on composition).
   */
  readonly federation?: boolean;
}

/** What each root field carries in its GraphQL `extensions`, e.g. for the federation entity lookup. */
export type RootFieldExtensions = {
  readonly allframe: { readonly handler: HandlerDefinition };
};

type Args = Record<string, unknown>;
type RootField = GraphQLFieldConfig<unknown, HandlerContext, Args>;

/**
 * The schema for the handlers that have a `graphql` binding (others are ignored).
 * - Queries and subscriptions take the input object's fields as arguments (`user(id: "u1")`);
 *   mutations take one `input:` argument of type `<Handler>Input` (one variable per mutation, the
 *   Relay and Apollo convention). An empty input object means no arguments; a non-object input is
 *   one `input` argument of its own type.
 * - Root fields are nullable, so one failing field leaves the others' data in the response; nested
 *   fields follow the zod schema. Each root field's description lists its `extensions.code` values.
 * - A service without query handlers gets `Query.ping: String!` ("pong"), because the GraphQL spec
 *   requires a Query root; it doubles as a liveness probe through the GraphQL path.
 * Type names: see {@link GraphqlTypeBuilder}; queries are named first, so a type shared by a query
 * and a mutation takes the query's name (e.g. `GetUserOutput`).
 *
 * @throws AllFrameError `configuration` when no handler has a GraphQL binding, when two handlers
 *   collide (see `assertDistinctHandlers`), or when a field name is not a GraphQL name.
 */
export function buildHandlerSchema(
  handlers: readonly HandlerDefinition[],
  options: HandlerSchemaOptions = {},
): GraphQLSchema {
  assertDistinctHandlers(handlers);
  const bound = handlers.filter((handler) => handler.graphql !== undefined);
  if (bound.length === 0) {
    throw new AllFrameError(
      "configuration",
      "GraphQL: no handler has a graphql binding; add graphql: { operation: ... } to a handler or drop the graphql protocol",
    );
  }
  const builder = new GraphqlTypeBuilder();
  const rootFields = (
    operation: "query" | "mutation" | "subscription",
  ): GraphQLFieldConfigMap<unknown, HandlerContext> =>
    Object.fromEntries(
      bound
        .filter((handler) => handler.graphql?.operation === operation)
        .map((handler) => [fieldName("root field", graphqlFieldName(handler)), rootField(builder, handler)]),
    );
  const query = rootFields("query");
  const mutation = rootFields("mutation");
  const subscription = rootFields("subscription");
  if (Object.keys(query).length === 0 && options.federation !== true) query.ping = PING;
  const root = (name: string, fields: GraphQLFieldConfigMap<unknown, HandlerContext>) =>
    Object.keys(fields).length === 0 ? undefined : new GraphQLObjectType({ name, fields });
  return new GraphQLSchema({
    query: root("Query", query),
    mutation: root("Mutation", mutation),
    subscription: root("Subscription", subscription),
  });
}

const PING: RootField = {
  type: new GraphQLNonNull(GraphQLString),
  description:
    'Always "pong". Present because GraphQL requires a Query root and this service only has mutations or subscriptions; doubles as a liveness probe.',
  resolve: () => "pong",
};

function rootField(builder: GraphqlTypeBuilder, handler: HandlerDefinition): RootField {
  const stem = typeNamePart(handler.name);
  const { args, toInput } = rootArguments(builder, handler, stem);
  const extensions: RootFieldExtensions = { allframe: { handler } };
  const field = {
    type: getNullableType(builder.outputType(handler.output, `${stem}Output`)) as GraphQLOutputType,
    args,
    description: describe(handler),
    extensions,
  };
  if (handler.kind === "stream") {
    return {
      ...field,
      subscribe: (_root, input, ctx) =>
        abortableStream(ctx.signal, (signal) =>
          subscribeHandler(handler, toInput(input), { ...ctx, signal }),
        ),
      resolve: (item: unknown) => item,
    };
  }
  return { ...field, resolve: (_root, input, ctx) => invokeHandler(handler, toInput(input), ctx) };
}

function rootArguments(
  builder: GraphqlTypeBuilder,
  handler: HandlerDefinition,
  stem: string,
): { args: GraphQLFieldConfigArgumentMap; toInput: (args: Args) => unknown } {
  const fields = objectFields(handler.input);
  const single = {
    args: { input: builder.inputField(handler.input, stem) },
    toInput: (args: Args) => args.input,
  };
  if (fields === undefined) return single;
  if (fields.length === 0) return { args: {}, toInput: () => ({}) };
  if (handler.graphql?.operation === "mutation") return single;
  const owner = `arguments of ${handler.name}`;
  return {
    args: Object.fromEntries(
      fields.map(([key, field]) => [
        fieldName(owner, key),
        builder.inputField(field, stem + typeNamePart(key)),
      ]),
    ),
    toInput: (args) => args,
  };
}

function describe(handler: HandlerDefinition): string {
  const codes = new Set(
    ["validation" as const, ...(handler.errors ?? [])].map((c) => ERROR_CODE_MAPPING[c].graphql),
  );
  const errors = `Error codes (extensions.code): ${[...codes].join(", ")}.`;
  return handler.description === undefined ? errors : `${handler.description}\n\n${errors}`;
}
