import assert from "node:assert/strict";
import { afterEach, beforeEach, describe, it, mock } from "node:test";
import { AllFrameError, hasErrorCode } from "../errors/allframe-error.ts";
import { type ArchitectureResilienceTable, policyFromArchitecture } from "./architecture-policy.ts";
import { advance, fakeNow, track, useFakeTime } from "./fake-time.fixture.ts";
import { ResilienceOrchestrator } from "./orchestrator.ts";

// Literal copies of the reference architecture.toml tables (seed 000's complete example).
// [resilience]
const defaults: ArchitectureResilienceTable = {
  circuit_breaker: { failure_threshold: 5, success_threshold: 3, timeout_ms: 30000 },
  retry: { max_attempts: 3, initial_interval_ms: 100, max_interval_ms: 10000, multiplier: 2.0 },
  bulkhead: { max_concurrent: 100, max_queue: 50 },
  rate_limit: { rps: 1000, burst: 100 },
};
// payment-gateway [services.integrations]
const paymentGateway: ArchitectureResilienceTable = {
  circuit_breaker: { failure_threshold: 5, timeout_ms: 30000 },
  retry: { max_attempts: 3, idempotent_only: true },
};
// web-bff [services.bff]
const webBff: ArchitectureResilienceTable = { rate_limit: { rps: 100, burst: 20, per: "user" } };
// legacy-erp-adapter [services.circuit_breaker]
const legacyErp: ArchitectureResilienceTable = {
  circuit_breaker: { failure_threshold: 3, timeout_ms: 60000 },
};

describe("policyFromArchitecture", () => {
  it("converts the reference [resilience] defaults", () => {
    assert.deepEqual(policyFromArchitecture(defaults), {
      circuitBreaker: { failureThreshold: 5, successThreshold: 3, openTimeoutMs: 30_000 },
      retry: {
        maxAttempts: 3,
        initialIntervalMs: 100,
        maxIntervalMs: 10_000,
        multiplier: 2,
        jitter: "full",
        idempotentOnly: false,
      },
      bulkhead: { maxConcurrent: 100, maxQueue: 50 },
      rateLimit: { rps: 1000, burst: 100, per: "global", maxKeys: 10_000 },
    });
  });

  it("converts payment-gateway's breaker and idempotent-only retry", () => {
    const policy = policyFromArchitecture(paymentGateway, { name: "payment-gateway" });
    assert.equal(policy.name, "payment-gateway");
    assert.deepEqual(policy.circuitBreaker, {
      failureThreshold: 5,
      successThreshold: 3,
      openTimeoutMs: 30_000,
    });
    assert.equal(policy.retry?.maxAttempts, 3);
    assert.equal(policy.retry?.idempotentOnly, true);
    assert.equal(policy.rateLimit, undefined);
  });

  it("converts web-bff's per-user rate limit and legacy-erp-adapter's slow breaker", () => {
    assert.deepEqual(policyFromArchitecture(webBff).rateLimit, {
      rps: 100,
      burst: 20,
      per: "user",
      maxKeys: 10_000,
    });
    assert.deepEqual(policyFromArchitecture(legacyErp).circuitBreaker, {
      failureThreshold: 3,
      successThreshold: 3,
      openTimeoutMs: 60_000,
    });
  });

  it("accepts the forge's resolved per-service settings, which use the same keys", () => {
    const resolved = {
      circuit_breaker: { failure_threshold: 5, success_threshold: 3, timeout_ms: 30_000 },
      retry: {
        max_attempts: 3,
        initial_interval_ms: 100,
        max_interval_ms: 10_000,
        multiplier: 2,
        idempotent_only: true,
      },
      bulkhead: { max_concurrent: 100, max_queue: 50 },
      rate_limit: { rps: 1000, burst: 100, per: "global" as const },
    };
    const policy = policyFromArchitecture(resolved, { name: "payment-gateway" });
    assert.equal(policy.retry?.idempotentOnly, true);
    assert.equal(policy.bulkhead?.maxQueue, 50);
  });

  const invalid: Array<[string, unknown, RegExp]> = [
    ["zero attempts", { retry: { max_attempts: 0 } }, /resilience\.retry\.max_attempts: must be ≥ 1/],
    [
      "a misspelt key",
      { retry: { max_retries: 3 } },
      /resilience\.retry\.max_retries: unknown key; expected one of max_attempts, initial_interval_ms/,
    ],
    [
      "an unknown table",
      { retries: {} },
      /resilience\.retries: unknown resilience table; expected one of circuit_breaker, retry/,
    ],
    ["a value where a table belongs", { retry: 3 }, /resilience\.retry: must be a table/],
    [
      "a string number",
      { circuit_breaker: { timeout_ms: "30s" } },
      /resilience\.circuit_breaker\.timeout_ms:/,
    ],
    ["an unknown scope", { rate_limit: { per: "planet" } }, /resilience\.rate_limit\.per:/],
    [
      "a max below the initial interval",
      { retry: { initial_interval_ms: 500, max_interval_ms: 100 } },
      /resilience\.retry\.max_interval_ms: must be ≥ the first backoff delay/,
    ],
  ];
  for (const [what, table, message] of invalid) {
    it(`rejects ${what}, naming the architecture key`, () => {
      assert.throws(
        () => policyFromArchitecture(table as ArchitectureResilienceTable),
        (e: unknown) =>
          hasErrorCode(e, "configuration") &&
          message.test(e.message) &&
          /Fix these keys in architecture\.toml/.test(e.message),
      );
    });
  }

  it("prefixes messages with where the table sits", () => {
    assert.throws(
      () =>
        policyFromArchitecture(
          { retry: { max_attempts: -1 } },
          { path: "services.payment-gateway.integrations" },
        ),
      (e: unknown) =>
        hasErrorCode(e, "configuration") &&
        e.message.startsWith("services.payment-gateway.integrations.retry.max_attempts: ") &&
        e.issues[0]?.path.join("/") === "services.payment-gateway.integrations/retry/max_attempts",
    );
  });
});

describe("payment-gateway's policy at work", () => {
  beforeEach(() => useFakeTime(0));
  afterEach(() => mock.timers.reset());

  it("retries an idempotent call, not a charge that is not idempotent", async () => {
    const resilience = new ResilienceOrchestrator({
      now: fakeNow,
      random: () => 0.5,
      policies: { "payment-gateway": policyFromArchitecture(paymentGateway, { name: "payment-gateway" }) },
    });
    let charges = 0;
    await assert.rejects(
      resilience.execute("payment-gateway", async () => {
        charges += 1;
        throw new AllFrameError("unavailable", "stripe: 503");
      }),
    );
    assert.equal(charges, 1);

    let lookups = 0;
    const lookup = track(
      resilience.execute(
        "payment-gateway",
        async () => {
          if (++lookups < 3) throw new AllFrameError("unavailable", "stripe: 503");
          return "pi_123";
        },
        { idempotent: true },
      ),
    );
    await advance(50); // full jitter at 0.5 of 100 ms
    await advance(100); // of 200 ms
    assert.equal(await lookup.promise, "pi_123");
    assert.equal(lookups, 3);
  });
});
