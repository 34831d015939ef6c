import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { DocumentNode, GraphQLError } from "graphql";
import { userHandlers } from "../users.fixture.ts";
import { DocumentCache } from "./document-cache.ts";
import { buildHandlerSchema } from "./handler-schema.ts";

const schema = buildHandlerSchema(userHandlers());
const errorsOf = (prepared: DocumentNode | readonly GraphQLError[]) => {
  assert.ok(Array.isArray(prepared), "expected errors");
  return prepared as readonly GraphQLError[];
};

describe("DocumentCache", () => {
  it("returns the same parsed document for the same query text", () => {
    const documents = new DocumentCache(schema);
    const first = documents.prepare('{ user(id: "u1") { id } }');
    assert.equal("kind" in first && first.kind, "Document");
    assert.equal(documents.prepare('{ user(id: "u1") { id } }'), first);
    assert.equal(documents.size, 1);
  });

  it("evicts the least recently used document when full", () => {
    const documents = new DocumentCache(schema, 2);
    const a = documents.prepare("{ a: users { users { id } } }");
    const b = documents.prepare("{ b: users { users { id } } }");
    documents.prepare("{ a: users { users { id } } }");
    documents.prepare("{ c: users { users { id } } }");
    assert.equal(documents.size, 2);
    assert.equal(documents.prepare("{ a: users { users { id } } }"), a, "a was used recently, so it stays");
    assert.notEqual(
      documents.prepare("{ b: users { users { id } } }"),
      b,
      "b was the oldest, so it was parsed again",
    );
  });

  it("reports syntax and validation errors with their codes and does not cache them", () => {
    const documents = new DocumentCache(schema);
    const [syntax] = errorsOf(documents.prepare("{ user(id: "));
    assert.equal(syntax?.extensions.code, "GRAPHQL_PARSE_FAILED");
    assert.deepEqual(syntax?.locations, [{ line: 1, column: 12 }]);
    const invalid = errorsOf(documents.prepare('{ user(id: "u1") { nope } nothing }'));
    assert.deepEqual(
      invalid.map((error) => [error.extensions.code, error.message]),
      [
        [
          "GRAPHQL_VALIDATION_FAILED",
          'Cannot query field "nope" on type "GetUserOutput". Did you mean "name"?',
        ],
        ["GRAPHQL_VALIDATION_FAILED", 'Cannot query field "nothing" on type "Query".'],
      ],
    );
    assert.equal(documents.size, 0);
  });
});
