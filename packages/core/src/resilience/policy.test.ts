import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { hasErrorCode } from "../errors/allframe-error.ts";
import { definePolicy, type ResiliencePolicyInput } from "./policy.ts";

describe("definePolicy", () => {
  it("fills the seed's defaults into every section it names, and leaves the others off", () => {
    const policy = definePolicy({
      retry: {},
      circuitBreaker: {},
      bulkhead: {},
      rateLimit: {},
      retryBudget: {},
      timeout: { timeoutMs: 2_000 },
    });
    assert.deepEqual(policy, {
      retry: {
        maxAttempts: 3,
        initialIntervalMs: 100,
        maxIntervalMs: 10_000,
        multiplier: 2,
        jitter: "full",
        idempotentOnly: false,
      },
      circuitBreaker: { failureThreshold: 5, successThreshold: 3, openTimeoutMs: 30_000 },
      bulkhead: { maxConcurrent: 100, maxQueue: 50 },
      rateLimit: { rps: 1000, burst: 100, per: "global", maxKeys: 10_000 },
      retryBudget: { ratio: 0.2, minRetriesPerSecond: 10, windowMs: 10_000 },
      timeout: { timeoutMs: 2_000 },
    });
    assert.deepEqual(definePolicy({ name: "plain" }), { name: "plain" });
    assert.deepEqual(definePolicy({ retry: { adaptive: {} } }).retry?.adaptive, { k: 2, windowMs: 120_000 });
  });

  it("returns frozen, JSON-serialisable data that defines to itself", () => {
    const policy = definePolicy({ name: "p", retry: { adaptive: { k: 1.5 } }, circuitBreaker: {} });
    assert.ok(
      Object.isFrozen(policy) && Object.isFrozen(policy.retry) && Object.isFrozen(policy.retry?.adaptive),
    );
    assert.deepEqual(JSON.parse(JSON.stringify(policy)), policy);
    assert.deepEqual(definePolicy(policy), policy);
  });

  const invalid: Array<[string, unknown, RegExp]> = [
    ["a misspelt key", { retry: { maxRetries: 3 } }, /retry: Unrecognized key: "maxRetries"/],
    [
      "zero attempts",
      { retry: { maxAttempts: 0 } },
      /retry\.maxAttempts: must be ≥ 1 \(attempts including the first call\)/,
    ],
    [
      "a fractional threshold",
      { circuitBreaker: { failureThreshold: 2.5 } },
      /circuitBreaker\.failureThreshold: must be an integer/,
    ],
    [
      "a max interval below the initial one",
      { retry: { initialIntervalMs: 500, maxIntervalMs: 100 } },
      /retry\.maxIntervalMs: must be ≥ the first backoff delay/,
    ],
    ["a multiplier below 1", { retry: { multiplier: 0.5 } }, /retry\.multiplier: must be ≥ 1/],
    ["an unknown jitter", { retry: { jitter: "some" } }, /retry\.jitter/],
    ["a timeout without timeoutMs", { timeout: {} }, /timeout\.timeoutMs/],
    ["a timeout setTimeout cannot honour", { timeout: { timeoutMs: 2 ** 31 } }, /must be ≤ 2147483647 ms/],
    ["zero rps", { rateLimit: { rps: 0 } }, /rateLimit\.rps: must be > 0/],
    ["an unknown rate-limit scope", { rateLimit: { per: "planet" } }, /rateLimit\.per/],
    ["a negative queue", { bulkhead: { maxQueue: -1 } }, /bulkhead\.maxQueue: must be ≥ 0/],
    ["a budget without retries", { retryBudget: {} }, /retryBudget: a retry budget limits retries/],
    [
      "an infinite interval",
      { retry: { initialIntervalMs: Number.POSITIVE_INFINITY } },
      /retry\.initialIntervalMs/,
    ],
  ];
  for (const [what, input, message] of invalid) {
    it(`rejects ${what} with a configuration error naming the field`, () => {
      assert.throws(
        () => definePolicy({ name: "payments", ...(input as ResiliencePolicyInput) }),
        (e: unknown) =>
          hasErrorCode(e, "configuration") &&
          e.message.startsWith('resilience policy "payments" is invalid: ') &&
          message.test(e.message) &&
          e.issues.length > 0,
      );
    });
  }
});
