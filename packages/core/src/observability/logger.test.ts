import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { hasErrorCode } from "../errors/allframe-error.ts";
import { createLogger } from "./logger.ts";
import { createMemoryLogDestination } from "./memory-log-destination.ts";

describe("createLogger", () => {
  it("writes JSON lines with the service, a level label and an ISO time", () => {
    const dest = createMemoryLogDestination();
    const logger = createLogger({ service: "orders", level: "info", destination: dest });
    logger.info({ orderId: "o-1" }, "order placed");
    const [entry] = dest.entries();
    assert.equal(entry?.service, "orders");
    assert.equal(entry?.level, "info");
    assert.equal(entry?.msg, "order placed");
    assert.equal(entry?.orderId, "o-1");
    assert.match(String(entry?.time), /^\d{4}-\d{2}-\d{2}T/);
  });

  it("takes the level from LOG_LEVEL when none is given, and defaults to info", () => {
    const dest = createMemoryLogDestination();
    assert.equal(
      createLogger({ service: "s", destination: dest, env: { LOG_LEVEL: "debug" } }).level,
      "debug",
    );
    assert.equal(createLogger({ service: "s", destination: dest, env: {} }).level, "info");
    assert.equal(createLogger({ service: "s", level: "warn", env: { LOG_LEVEL: "debug" } }).level, "warn");
  });

  it("LOG_LEVEL=silent writes nothing", () => {
    const dest = createMemoryLogDestination();
    const logger = createLogger({ service: "s", destination: dest, env: { LOG_LEVEL: "silent" } });
    logger.error("boom");
    logger.fatal("boom");
    assert.equal(dest.entries().length, 0);
  });

  it("logs errors under err with their stack", () => {
    const dest = createMemoryLogDestination();
    createLogger({ service: "s", destination: dest }).error({ err: new Error("kaput") }, "failed");
    const err = dest.entries()[0]?.err as Record<string, unknown>;
    assert.equal(err.message, "kaput");
    assert.match(String(err.stack), /kaput/);
  });

  it("rejects an unknown level with a configuration error naming LOG_LEVEL", () => {
    assert.throws(
      () => createLogger({ service: "s", env: { LOG_LEVEL: "verbose" } }),
      (e) => hasErrorCode(e, "configuration") && /LOG_LEVEL "verbose"/.test(e.message),
    );
  });
});
