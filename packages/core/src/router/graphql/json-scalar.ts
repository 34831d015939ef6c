/**
 * The `JSON` scalar: the GraphQL type of every zod schema GraphQL cannot spell (records, unions,
 * tuples, maps, unknown, ...). Values pass through unchanged; zod still validates inputs.
 * @module
 */
import { GraphQLScalarType, valueFromASTUntyped } from "graphql";

/**
 * `scalar JSON`: any JSON value, in both directions. Literals in a query document are read with
 * graphql-js's `valueFromASTUntyped`, so `{ a: [1, "x"] }` arrives as `{ a: [1, "x"] }`.
 * Source: the `JSON` scalar of graphql-scalars, reduced to what zod-backed handlers need.
 */
export const GraphQLJSON = new GraphQLScalarType({
  name: "JSON",
  description: "Any JSON value; its shape is checked by the handler's schema.",
  specifiedByURL: "https://www.rfc-editor.org/rfc/rfc8259",
  serialize: (value) => value,
  parseValue: (value) => value,
  parseLiteral: (ast, variables) => valueFromASTUntyped(ast, variables),
});
