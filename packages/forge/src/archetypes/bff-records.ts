/**
 * The generated BFF's record reads: a `RecordReader` per record type of an aggregated service (one
 * DataLoader per request, so every id asked for in one tick goes upstream as one `get<Type>Many` call:
 * no N+1), behind the response cache; and the handlers serving each type as a GraphQL field (`user`,
 * `users`) and a REST route, answering a degraded part instead of failing when the service is down.
 * DataLoader: graphql/dataloader, "batching and caching per request".
 * @module
 */
import { code } from "../generators/typescript/code.ts";

/** Source of `src/aggregators/record-reader.ts`. */
export const RECORD_READER = code`
  import { type HandlerContext, isAllFrameError, type ReadThroughCache, requestScoped } from "@allframe/core";
  import DataLoader from "dataloader";

  /** One record's part of an answer: the record, or why it is missing (\`not-found\`, or the service is down). */
  export interface RecordPart<T> {
    id: string;
    status: "ok" | "not-found" | "degraded";
    record?: T;
    reason?: string;
  }

  /** Reads many records of one type in one upstream call; an Error in place of each that failed. */
  export type BatchRead<T> = (ids: readonly string[]) => Promise<Array<T | Error>>;

  /** Most ids in one upstream call. */
  export const MAX_BATCH = 100;

  /**
   * Reads one record type of one backend by id. Within a request, a DataLoader gathers every id asked
   * for in the same tick into one \`batchRead\` call; across requests, \`cache\` answers fresh (and, with
   * stale-while-revalidate, stale) records. Never throws: failures become parts with a reason.
   */
  export class RecordReader<T> {
    readonly #cache: ReadThroughCache<T>;
    readonly #loaderOf: (ctx: HandlerContext) => DataLoader<string, T>;

    constructor(batchRead: BatchRead<T>, cache: ReadThroughCache<T>) {
      this.#cache = cache;
      this.#loaderOf = requestScoped(() => new DataLoader<string, T>(batchRead, { maxBatchSize: MAX_BATCH }));
    }

    /** The record \`id\`, through this request's loader and the cache. */
    async read(id: string, ctx: HandlerContext): Promise<RecordPart<T>> {
      try {
        return { id, status: "ok", record: await this.#cache.get(id, () => this.#loaderOf(ctx).load(id)) };
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        return { id, status: isAllFrameError(error) && error.code === "not-found" ? "not-found" : "degraded", reason };
      }
    }

    /** Every record of \`ids\`, in order; all of them go upstream in one batch. */
    readMany(ids: readonly string[], ctx: HandlerContext): Promise<Array<RecordPart<T>>> {
      return Promise.all(ids.map((id) => this.read(id, ctx)));
    }
  }
`;

/** Source of `src/presentation/handlers/per-user.ts`. */
export const PER_USER = code`
  import type { HandlerContext, ResilienceOrchestrator } from "@allframe/core";

  /** Who the caller is, for the per-user rate limit (set by the authenticating gateway in front). */
  export const USER_HEADER = "x-user-id";

  /** Runs a handler's work under the caller's own bucket of the \`inbound\` policy. */
  export type PerUser = <T>(ctx: HandlerContext, work: () => Promise<T>) => Promise<T>;

  /** Rate limits per user (\`x-user-id\`; callers without one share the "anonymous" bucket); 429 beyond it. */
  export function perUser(resilience: ResilienceOrchestrator): PerUser {
    return (ctx, work) => resilience.execute("inbound", work, { key: ctx.headers[USER_HEADER] ?? "anonymous" });
  }
`;

/** Source of `src/presentation/handlers/record-handlers.ts`. */
export const RECORD_HANDLERS = code`
  import { defineHandler, type HandlerDefinition, z } from "@allframe/core";
  import type { RecordReader } from "../../aggregators/record-reader.ts";
  import { MAX_BATCH } from "../../aggregators/record-reader.ts";
  import type { PerUser } from "./per-user.ts";

  /** How one record type is served: GraphQL fields, REST path, and its schema (a zod object with an id). */
  export interface RecordBinding {
    /** The one-record field, e.g. \`user\`. */
    readonly field: string;
    /** The batched field, e.g. \`users\`. */
    readonly listField: string;
    /** REST route of one record, e.g. \`/user-service/users/:id\`. */
    readonly path: string;
    /** GraphQL type name of the record, e.g. \`User\`. */
    readonly typeName: string;
    readonly schema: z.ZodType;
  }

  /**
   * \`<field>(id)\` (GraphQL and REST) and \`<listField>(ids)\` (GraphQL): records of one aggregated
   * service, each answered as a part (\`ok\` with the record, \`not-found\`, or \`degraded\` with the reason
   * when the service is down), never an error; rate limited per user.
   */
  export function recordHandlers<T>(reader: RecordReader<T>, binding: RecordBinding, limit: PerUser): HandlerDefinition[] {
    const part = z
      .object({
        id: z.string(),
        status: z.enum(["ok", "not-found", "degraded"]),
        record: binding.schema.optional(),
        reason: z.string().optional(),
      })
      .meta({ id: \`\${binding.typeName}Part\` });
    return [
      defineHandler({
        kind: "unary",
        name: binding.field,
        description: \`One \${binding.typeName} by id; degraded with the reason when its service is down.\`,
        input: z.object({ id: z.string().min(1) }),
        output: part,
        errors: ["rate-limited"],
        rest: { method: "GET", path: binding.path },
        graphql: { operation: "query" },
        handle: ({ id }, ctx) => limit(ctx, () => reader.read(id, ctx)),
      }),
      defineHandler({
        kind: "unary",
        name: binding.listField,
        description: \`Many \${binding.typeName} records in one upstream call (batched per request), in the order of ids.\`,
        input: z.object({ ids: z.array(z.string().min(1)).min(1).max(MAX_BATCH) }),
        output: z.object({ items: z.array(part) }),
        errors: ["rate-limited"],
        graphql: { operation: "query" },
        handle: ({ ids }, ctx) => limit(ctx, async () => ({ items: await reader.readMany(ids, ctx) })),
      }),
    ];
  }
`;
