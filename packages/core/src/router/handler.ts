/**
 * A handler is declared once and served over every protocol its service lists (seed 001, Router &
 * Documentation, Phase 6: "write once, expose via REST/GraphQL/gRPC"). The definition is plain data
 * plus one function; each protocol adapter (REST, GraphQL, gRPC) reads the bindings and calls
 * {@link invokeHandler}, so validation, errors and the implementation are shared.
 * @module
 */
import type { z } from "zod";
import { AllFrameError, type ErrorCode } from "../errors/allframe-error.ts";
import { formatIssues, toErrorIssues } from "../runtime/zod-issues.ts";

/** The protocols a service can serve (architecture `services.protocols`). */
export type Protocol = "rest" | "graphql" | "grpc";

/** HTTP methods a REST binding may use. */
export type HttpMethod = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

/**
 * REST binding. Input is assembled as: path parameters, then the query string (GET and DELETE), then
 * the JSON body (POST, PUT, PATCH); later sources win on a name clash.
 */
export interface RestBinding {
  readonly method: HttpMethod;
  /** find-my-way syntax, e.g. `/users/:id`; must start with `/`. */
  readonly path: string;
  /** Status on success; default 201 for POST, 200 otherwise. */
  readonly successStatus?: number;
}

/** GraphQL binding: the root field this handler resolves. */
export interface GraphqlBinding {
  /** `subscription` only for stream handlers; `query`/`mutation` only for unary ones. */
  readonly operation: "query" | "mutation" | "subscription";
  /** Root field name; default the handler name. */
  readonly field?: string;
}

/** gRPC binding: the service and method this handler implements (unary, or server-streaming for a stream handler). */
export interface GrpcBinding {
  /** Service name in PascalCase, e.g. `UserService`. */
  readonly service: string;
  /** Method name in PascalCase; default the handler name with its first letter upper-cased. */
  readonly method?: string;
}

/** What every handler receives besides its input. */
export interface HandlerContext {
  readonly protocol: Protocol;
  /** Request headers (gRPC metadata), keys lower-cased; first value of a repeated header. */
  readonly headers: Readonly<Record<string, string | undefined>>;
  /** Aborted when the client goes away or the service shuts down. */
  readonly signal: AbortSignal;
}

interface HandlerBase<I extends z.ZodType, O extends z.ZodType> {
  /** camelCase, unique within a service, e.g. `getUser`. Used as GraphQL field and gRPC method default. */
  readonly name: string;
  /** One sentence; goes into OpenAPI, the GraphQL schema and the `.proto` comments. */
  readonly description?: string;
  /** Input schema; a zod object (REST merges params, query and body into it). */
  readonly input: I;
  /** Output schema (for a stream handler: the schema of each item). */
  readonly output: O;
  /** Error codes the handler may raise on purpose; documented per protocol. `validation` is implied. */
  readonly errors?: readonly ErrorCode[];
  readonly rest?: RestBinding;
  readonly graphql?: GraphqlBinding;
  readonly grpc?: GrpcBinding;
}

/** A request/response handler. */
export interface UnaryHandler<I extends z.ZodType = z.ZodType, O extends z.ZodType = z.ZodType>
  extends HandlerBase<I, O> {
  readonly kind: "unary";
  readonly handle: (input: z.output<I>, ctx: HandlerContext) => z.input<O> | Promise<z.input<O>>;
}

/** A handler that yields a stream of items: GraphQL subscription, gRPC server-streaming, REST server-sent events. */
export interface StreamHandler<I extends z.ZodType = z.ZodType, O extends z.ZodType = z.ZodType>
  extends HandlerBase<I, O> {
  readonly kind: "stream";
  readonly subscribe: (input: z.output<I>, ctx: HandlerContext) => AsyncIterable<z.input<O>>;
}

export type HandlerDefinition<I extends z.ZodType = z.ZodType, O extends z.ZodType = z.ZodType> =
  | UnaryHandler<I, O>
  | StreamHandler<I, O>;

const HANDLER_NAME = /^[a-z][A-Za-z0-9]*$/;
const PASCAL_NAME = /^[A-Z][A-Za-z0-9]*$/;

/** `getUser` → `GetUser`. */
export function pascalCase(name: string): string {
  return name.charAt(0).toUpperCase() + name.slice(1);
}

/** The gRPC method a handler is served as (its binding's `method`, else its PascalCase name). */
export function grpcMethodName(handler: HandlerDefinition): string {
  return handler.grpc?.method ?? pascalCase(handler.name);
}

/** The GraphQL root field a handler is served as (its binding's `field`, else its name). */
export function graphqlFieldName(handler: HandlerDefinition): string {
  return handler.graphql?.field ?? handler.name;
}

function invalid(handler: string, message: string): never {
  throw new AllFrameError("configuration", `handler "${handler}": ${message}`);
}

/**
 * Checks a handler definition and returns it unchanged (typed). Use it for every handler so mistakes
 * surface at start-up, not on the first request.
 *
 * @throws AllFrameError `configuration` naming the handler when: the name is not camelCase; no protocol
 *   binding is given; the REST path does not start with `/`; a stream handler binds GraphQL to a query
 *   or mutation (or a unary one to a subscription); a gRPC service or method is not PascalCase.
 * @example
 * export const getUser = defineHandler({
 *   kind: "unary", name: "getUser", input: z.object({ id: z.uuid() }), output: User, errors: ["not-found"],
 *   rest: { method: "GET", path: "/users/:id" }, grpc: { service: "UserService" },
 *   handle: ({ id }) => users.get(id),
 * });
 */
export function defineHandler<I extends z.ZodType, O extends z.ZodType>(
  handler: UnaryHandler<I, O>,
): UnaryHandler<I, O>;
export function defineHandler<I extends z.ZodType, O extends z.ZodType>(
  handler: StreamHandler<I, O>,
): StreamHandler<I, O>;
export function defineHandler(handler: HandlerDefinition): HandlerDefinition {
  const { name } = handler;
  if (!HANDLER_NAME.test(name)) invalid(name, "name must be camelCase letters and digits, e.g. getUser");
  if (handler.rest === undefined && handler.graphql === undefined && handler.grpc === undefined) {
    invalid(name, "give at least one binding: rest, graphql or grpc");
  }
  if (handler.rest !== undefined && !handler.rest.path.startsWith("/")) {
    invalid(name, `REST path "${handler.rest.path}" must start with "/"`);
  }
  const operation = handler.graphql?.operation;
  if (handler.kind === "stream" && operation !== undefined && operation !== "subscription") {
    invalid(name, `a stream handler is a GraphQL subscription, not a ${operation}`);
  }
  if (handler.kind === "unary" && operation === "subscription") {
    invalid(name, 'a GraphQL subscription needs kind "stream" with a subscribe function');
  }
  if (handler.grpc !== undefined) {
    if (!PASCAL_NAME.test(handler.grpc.service)) {
      invalid(name, `gRPC service "${handler.grpc.service}" must be PascalCase, e.g. UserService`);
    }
    if (!PASCAL_NAME.test(grpcMethodName(handler))) {
      invalid(name, `gRPC method "${grpcMethodName(handler)}" must be PascalCase, e.g. GetUser`);
    }
  }
  return handler;
}

/**
 * Checks that the handlers of one service do not collide: unique names, REST method+path, GraphQL
 * root fields per operation, and gRPC service+method.
 * @throws AllFrameError `configuration` naming both handlers of the first collision.
 */
export function assertDistinctHandlers(handlers: readonly HandlerDefinition[]): void {
  const seen = new Map<string, string>();
  const claim = (key: string | undefined, handler: string, what: string) => {
    if (key === undefined) return;
    const other = seen.get(key);
    if (other !== undefined) invalid(handler, `${what} is also used by handler "${other}"`);
    seen.set(key, handler);
  };
  for (const h of handlers) {
    claim(`name ${h.name}`, h.name, `name "${h.name}"`);
    const rest = h.rest && `${h.rest.method} ${h.rest.path}`;
    claim(rest && `rest ${rest}`, h.name, `REST route ${rest}`);
    const field = h.graphql && `${h.graphql.operation}.${graphqlFieldName(h)}`;
    claim(field && `graphql ${field}`, h.name, `GraphQL field ${field}`);
    const rpc = h.grpc && `${h.grpc.service}/${grpcMethodName(h)}`;
    claim(rpc && `grpc ${rpc}`, h.name, `gRPC method ${rpc}`);
  }
}

/**
 * Validates raw input against the handler's input schema.
 * @returns the schema output (defaults applied, coercions run).
 * @throws AllFrameError `validation` whose message and `issues` name every bad field, e.g.
 *   `input is invalid: email: Invalid email address`.
 */
export function parseHandlerInput<I extends z.ZodType>(handler: { input: I }, raw: unknown): z.output<I> {
  const result = handler.input.safeParse(raw);
  if (result.success) return result.data;
  const issues = toErrorIssues(result.error.issues);
  throw new AllFrameError("validation", `input is invalid: ${formatIssues(issues)}`, { issues });
}

/**
 * Validates what a handler returned against its output schema, so the answer is what the OpenAPI
 * document and the `.proto` promise and fields the schema does not name (a stored password hash, say)
 * never leave. Every protocol adapter calls it on every output.
 * @returns the schema output.
 * @throws AllFrameError `internal` (logged, answered as an opaque 500 / INTERNAL) naming the handler
 *   and the fields.
 */
export function parseHandlerOutput<O extends z.ZodType>(
  handler: { name: string; output: O },
  value: unknown,
): z.output<O> {
  const result = handler.output.safeParse(value);
  if (result.success) return result.data;
  const issues = toErrorIssues(result.error.issues);
  throw new AllFrameError(
    "internal",
    `handler "${handler.name}" returned output that does not match its output schema: ${formatIssues(issues)}; fix the handler or its output schema`,
    { issues },
  );
}

/** True for a promise or any thenable: a handler may answer with a value or a promise of one. */
export function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as PromiseLike<unknown> | null | undefined)?.then === "function";
}

/**
 * Validates `raw` and runs a unary handler. Protocol adapters call this; they map a thrown error with
 * `toAllFrameError` and `ERROR_CODE_MAPPING`.
 * @throws AllFrameError `validation` for bad input; whatever the handler throws.
 */
export async function invokeHandler<I extends z.ZodType, O extends z.ZodType>(
  handler: UnaryHandler<I, O>,
  raw: unknown,
  ctx: HandlerContext,
): Promise<z.input<O>> {
  return handler.handle(parseHandlerInput(handler, raw), ctx);
}

/**
 * Validates `raw` and starts a stream handler.
 * @throws AllFrameError `validation` for bad input.
 */
export function subscribeHandler<I extends z.ZodType, O extends z.ZodType>(
  handler: StreamHandler<I, O>,
  raw: unknown,
  ctx: HandlerContext,
): AsyncIterable<z.input<O>> {
  return handler.subscribe(parseHandlerInput(handler, raw), ctx);
}
