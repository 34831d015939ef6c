/** @module router/graphql: the GraphQL face of a service's handlers (schema, HTTP, WebSocket, federation, GraphiQL). */
export { DEFAULT_DOCUMENT_CACHE_SIZE, DocumentCache } from "./document-cache.ts";
export { buildSubgraphHandlerSchema, FEDERATION_SPEC_URL } from "./federation.ts";
export {
  createGraphqlEndpoint,
  DEFAULT_MAX_BODY_BYTES,
  type GraphqlEndpoint,
  type GraphqlEndpointOptions,
} from "./graphql-endpoint.ts";
export { formatGraphqlError } from "./graphql-errors.ts";
export {
  attachGraphqlSubscriptions,
  type GraphqlSubscriptions,
  type GraphqlSubscriptionsOptions,
} from "./graphql-subscriptions.ts";
export { buildHandlerSchema, type HandlerSchemaOptions } from "./handler-schema.ts";
export { GraphQLJSON } from "./json-scalar.ts";
