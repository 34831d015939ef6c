import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { AllFrameError, ERROR_CODES } from "../errors/allframe-error.ts";
import { isDependencyFailure, isNetworkError, isRetryableError, retryAfterMsOf } from "./error-classes.ts";

describe("error classes", () => {
  it("retries the transient AllFrame codes only", () => {
    const retryable = ERROR_CODES.filter((code) => isRetryableError(new AllFrameError(code, "x")));
    assert.deepEqual(retryable, ["concurrency", "rate-limited", "unavailable", "timeout"]);
  });

  it("counts unhealthy-dependency codes, unknown throwables and network errors as failures, not cancellations", () => {
    const failures = ERROR_CODES.filter((code) => isDependencyFailure(new AllFrameError(code, "x")));
    assert.deepEqual(failures, ["rate-limited", "unavailable", "timeout", "internal"]);
    assert.equal(isDependencyFailure(new Error("boom")), true);
    assert.equal(isDependencyFailure(new DOMException("stop", "AbortError")), false);
  });

  it("finds network errors by code, through the cause chain", () => {
    const refused = Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" });
    assert.equal(isNetworkError(refused), true);
    assert.equal(isNetworkError(new TypeError("fetch failed", { cause: refused })), true);
    assert.equal(isNetworkError(Object.assign(new Error("x"), { code: "UND_ERR_HEADERS_TIMEOUT" })), true);
    assert.equal(isNetworkError(Object.assign(new Error("no file"), { code: "ENOENT" })), false);
    assert.equal(isNetworkError("ECONNRESET"), false);
    assert.equal(isRetryableError(new TypeError("fetch failed", { cause: refused })), true);
    assert.equal(isRetryableError(new Error("a bug")), false);
  });

  it("reads a retryAfterMs hint from an AllFrame error", () => {
    assert.equal(
      retryAfterMsOf(new AllFrameError("rate-limited", "x", { details: { retryAfterMs: 250 } })),
      250,
    );
    assert.equal(
      retryAfterMsOf(new AllFrameError("rate-limited", "x", { details: { retryAfterMs: "soon" } })),
      undefined,
    );
    assert.equal(retryAfterMsOf(new AllFrameError("rate-limited", "x")), undefined);
    assert.equal(retryAfterMsOf({ details: { retryAfterMs: 5 } }), undefined);
  });
});
