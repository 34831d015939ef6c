/**
 * Parsed and validated query documents, by query text. Clients send the same few documents over and
 * over; parsing and validating one costs more than executing it, so a hit skips both (the same idea
 * as graphql-yoga's parser and validation caches and Apollo Server's document store).
 * @module
 */
import { type DocumentNode, GraphQLError, type GraphQLSchema, parse, validate } from "graphql";
import { GRAPHQL_PARSE_FAILED, GRAPHQL_VALIDATION_FAILED, withErrorCode } from "./graphql-errors.ts";

/** Documents kept by default: a service's clients rarely send more distinct documents than this. */
export const DEFAULT_DOCUMENT_CACHE_SIZE = 1_000;

/**
 * A least-recently-used cache of documents that parsed and validated against one schema. Invalid
 * documents are not cached (they are cheap to reject again and would evict useful entries).
 * @example
 * const documents = new DocumentCache(schema);
 * const prepared = documents.prepare("{ user(id: \"u1\") { id } }"); // DocumentNode or GraphQLError[]
 */
export class DocumentCache {
  readonly #schema: GraphQLSchema;
  readonly #capacity: number;
  readonly #documents = new Map<string, DocumentNode>();

  /** `capacity`: documents kept, at least 1; default {@link DEFAULT_DOCUMENT_CACHE_SIZE}. */
  constructor(schema: GraphQLSchema, capacity = DEFAULT_DOCUMENT_CACHE_SIZE) {
    this.#schema = schema;
    this.#capacity = Math.max(1, capacity);
  }

  /** Documents currently cached. */
  get size(): number {
    return this.#documents.size;
  }

  /**
   * The document for `query`, parsed and validated, or the errors that stop it: one
   * `GRAPHQL_PARSE_FAILED` error for a syntax error, else every `GRAPHQL_VALIDATION_FAILED` error.
   */
  prepare(query: string): DocumentNode | readonly GraphQLError[] {
    const cached = this.#documents.get(query);
    if (cached !== undefined) {
      // Re-inserting moves the entry to the back: Map iteration order is the recency order.
      this.#documents.delete(query);
      this.#documents.set(query, cached);
      return cached;
    }
    let document: DocumentNode;
    try {
      document = parse(query);
    } catch (error) {
      if (!(error instanceof GraphQLError)) throw error;
      return [withErrorCode(error, GRAPHQL_PARSE_FAILED)];
    }
    const errors = validate(this.#schema, document);
    if (errors.length > 0) return errors.map((error) => withErrorCode(error, GRAPHQL_VALIDATION_FAILED));
    if (this.#documents.size >= this.#capacity) {
      const oldest = this.#documents.keys().next();
      if (oldest.done !== true) this.#documents.delete(oldest.value);
    }
    this.#documents.set(query, document);
    return document;
  }
}
