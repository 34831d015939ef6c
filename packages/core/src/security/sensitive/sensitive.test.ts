import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { inspect } from "node:util";
import { z } from "zod";
import { isSensitive, REDACTED, Sensitive, sensitive, zSensitive } from "./sensitive.ts";

describe("Sensitive", () => {
  const secret = sensitive("hunter2");

  it("hands the value out only through expose()", () => {
    assert.equal(secret.expose(), "hunter2");
    assert.deepEqual(Object.keys(secret), []);
    assert.deepEqual(structuredClone({ secret }), { secret: {} });
  });

  it("renders [REDACTED] in JSON, inspect, String() and template literals", () => {
    assert.equal(JSON.stringify({ password: secret }), `{"password":"${REDACTED}"}`);
    assert.equal(inspect({ password: secret }), "{ password: [REDACTED] }");
    assert.equal(String(secret), REDACTED);
    assert.equal(`pw=${secret}`, "pw=[REDACTED]");
    for (const rendered of [JSON.stringify(secret), inspect(secret, { showHidden: true }), String(secret)]) {
      assert.doesNotMatch(rendered, /hunter2/);
    }
  });

  it("is recognised by isSensitive, and plain values are not", () => {
    assert.ok(isSensitive(secret));
    assert.ok(!isSensitive("hunter2"));
    assert.ok(!isSensitive({ expose: () => "x" }));
    assert.ok(!isSensitive({ ...secret }), "a spread copy is not a Sensitive");
  });

  it("map transforms the value and stays sensitive", () => {
    const upper = secret.map((value) => value.toUpperCase());
    assert.ok(upper instanceof Sensitive);
    assert.equal(upper.expose(), "HUNTER2");
    assert.equal(JSON.stringify(upper), `"${REDACTED}"`);
  });
});

describe("zSensitive", () => {
  it("parses a string into a Sensitive", () => {
    const config = z.object({ DB_PASSWORD: zSensitive() }).parse({ DB_PASSWORD: "s3cret-value" });
    assert.ok(config.DB_PASSWORD instanceof Sensitive);
    assert.equal(config.DB_PASSWORD.expose(), "s3cret-value");
    assert.equal(JSON.stringify(config), `{"DB_PASSWORD":"${REDACTED}"}`);
  });

  it("validates with the inner schema and does not echo the input in its issues", () => {
    const result = z
      .object({ API_KEY: zSensitive(z.string().min(32)) })
      .safeParse({ API_KEY: "too-short-key" });
    assert.equal(result.success, false);
    assert.equal(result.error?.issues[0]?.code, "too_small");
    assert.doesNotMatch(JSON.stringify(result.error?.issues), /too-short-key/);
    assert.doesNotMatch(String(result.error), /too-short-key/);
  });
});
