import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { hasErrorCode } from "../../errors/allframe-error.ts";
import { bearerToken } from "./bearer-token.ts";

describe("bearerToken", () => {
  it("reads the token from Fetch Headers and from Node's header object", () => {
    assert.equal(bearerToken(new Headers({ Authorization: "Bearer abc.def.ghi" })), "abc.def.ghi");
    assert.equal(bearerToken({ authorization: "bearer abc.def.ghi" }), "abc.def.ghi");
  });

  it("refuses a missing, repeated or non-Bearer header without echoing it", () => {
    const refuses = (reason: string) => (e: unknown) =>
      hasErrorCode(e, "unauthorized") && e.details.reason === reason && !e.message.includes("c2VjcmV0");
    assert.throws(() => bearerToken({}), refuses("missing"));
    assert.throws(() => bearerToken(new Headers()), refuses("missing"));
    assert.throws(() => bearerToken({ authorization: "Basic c2VjcmV0" }), refuses("malformed"));
    assert.throws(() => bearerToken({ authorization: ["Bearer a", "Bearer b"] }), refuses("malformed"));
    assert.throws(() => bearerToken({ authorization: "Bearer two words" }), refuses("malformed"));
  });
});
