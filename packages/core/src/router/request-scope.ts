/**
 * Per-request state for handlers, such as the DataLoaders a GraphQL BFF batches its upstream reads
 * through (graphql/dataloader README: "create a new DataLoader per request"). Every protocol adapter
 * builds one `HandlerContext` per request and passes that same object to each handler it runs for the
 * request: over GraphQL, every root field of one operation shares it, so their loads batch together.
 * @module
 */
import type { HandlerContext } from "./handler.ts";

/**
 * Wraps `create` so it runs once per request: the returned function answers the same value for every
 * call with one request's context, and a new one for the next request. Values are held weakly and go
 * with their request.
 * @param create builds the request's value (e.g. its DataLoaders) from its context.
 * @example
 * const loadersOf = requestScoped(() => ({ users: new DataLoader((ids) => users.getMany(ids)) }));
 * handle: ({ id }, ctx) => loadersOf(ctx).users.load(id),
 */
export function requestScoped<T>(create: (ctx: HandlerContext) => T): (ctx: HandlerContext) => T {
  const values = new WeakMap<HandlerContext, T>();
  return (ctx) => {
    if (values.has(ctx)) return values.get(ctx) as T;
    const value = create(ctx);
    values.set(ctx, value);
    return value;
  };
}
