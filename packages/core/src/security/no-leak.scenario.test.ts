/**
 * One service's worth of logging done carelessly — config dumps, connection strings in errors, request
 * headers, user records, secrets in format strings — asserting that no secret or PII value reaches a
 * log line or the audit log, while the useful context around them does.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { AllFrameError } from "../errors/allframe-error.ts";
import { createLogger } from "../observability/logger.ts";
import { ManualClock, sequentialIds } from "../runtime/clock.ts";
import { MemoryAuditLog } from "./audit/memory-audit-log.ts";
import { createJwtVerifier } from "./jwt/jwt-verifier.ts";
import { redactError } from "./redaction/redactor.ts";
import { EnvSecrets } from "./secrets/env-secrets.ts";
import { sensitive } from "./sensitive/sensitive.ts";

const SECRETS = {
  dbPassword: "pg-Secr3t-pw",
  redisPassword: "r3dis-pw",
  apiKey: "sk_live_51HxLeak",
  jwtSecret: "jwt-hmac-secret-0123456789abcdef0123",
  sessionCookie: "sess-7f3a9c",
  awsKeyId: "AKIAIOSFODNN7EXAMPLE",
  awsSecret: "wJalrXUtnFEMIK7MDENGbPxRfiCYEXAMPLEKEY",
  vaultToken: "hvs.CAESIJleak",
  bearer: "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1c2VyLTEifQ.c2lnbmF0dXJl",
  email: "ann.customer@example.com",
  ssn: "078-05-1120",
  phone: "+49-151-5550123",
};

describe("no secret or PII leaks into logs (scenario)", () => {
  it("keeps every secret and PII value out of every line while keeping the context", async () => {
    const lines: string[] = [];
    const audit = new MemoryAuditLog({ clock: new ManualClock(0), ids: sequentialIds("a") });
    const logger = createLogger({
      service: "orders",
      level: "debug",
      destination: { write: (line: string) => lines.push(line) },
      piiFields: ["email", "phone", "address", "ssn"],
      audit,
    });
    const databaseUrl = `postgres://orders:${SECRETS.dbPassword}@db.internal:5432/orders?sslmode=require`;
    const secrets = new EnvSecrets({ STRIPE: JSON.stringify({ api_key: SECRETS.apiKey }) });
    const stripeKey = await secrets.get("stripe#api_key");

    // 1. Startup: a config dump, a URL in a template literal, secrets passed to format strings.
    logger.info(
      {
        config: {
          databaseUrl,
          redis: { url: new URL(`redis://:${SECRETS.redisPassword}@cache.internal:6379`) },
          aws: { accessKeyId: SECRETS.awsKeyId, secretAccessKey: SECRETS.awsSecret },
          vault: { addr: "https://vault.internal", token: SECRETS.vaultToken },
          stripeKey,
        },
      },
      "config loaded",
    );
    logger.info(`connecting to ${databaseUrl}`);
    logger.debug("stripe key %s, jwt secret %j", stripeKey, sensitive(SECRETS.jwtSecret));
    logger.debug("aws settings %o", { region: "eu-west-1", aws_secret_access_key: SECRETS.awsSecret });

    // 2. A request: headers with credentials, a user record with PII, a child logger with a token.
    const request = logger.child({ requestId: "r-1", sessionToken: SECRETS.sessionCookie });
    request.info(
      {
        headers: {
          Authorization: `Bearer ${SECRETS.bearer}`,
          Cookie: `session=${SECRETS.sessionCookie}`,
          "X-Api-Key": SECRETS.apiKey,
          "user-agent": "curl/8",
        },
        user: { id: "u-1", email: SECRETS.email, profile: { mobilePhone: SECRETS.phone, ssn: SECRETS.ssn } },
      },
      "request received",
    );

    // 3. Failures: a driver error carrying the connection string, a wrapped cause, a bad token.
    const driverError = Object.assign(
      new Error(
        `connection to ${databaseUrl} refused; password authentication failed for password=${SECRETS.dbPassword}`,
      ),
      { connectionString: databaseUrl, host: "db.internal" },
    );
    const wrapped = new AllFrameError("unavailable", "order store unreachable", {
      cause: driverError,
      details: { store: "postgres", url: databaseUrl },
    });
    request.error({ err: wrapped }, "placing order failed");
    request.warn({ error: driverError, attempt: 2 }, "retrying");
    logger.error(driverError);
    const verifier = createJwtVerifier({ secret: sensitive(SECRETS.jwtSecret), algorithms: ["HS256"] });
    await verifier
      .verify(SECRETS.bearer)
      .catch((error: unknown) => request.warn({ err: error, token: SECRETS.bearer }, "auth failed"));
    const responseBody = JSON.stringify(redactError(wrapped));
    request.info({ responseBody }, "responded");

    await new Promise((resolve) => setImmediate(resolve));
    const text = lines.join("");
    assert.equal(lines.length, 10);
    for (const [name, value] of Object.entries(SECRETS)) {
      assert.ok(
        !text.includes(value),
        `${name} leaked into the log:\n${lines.find((l) => l.includes(value))}`,
      );
    }
    const auditText = JSON.stringify(audit.records());
    for (const value of [SECRETS.email, SECRETS.phone, SECRETS.ssn]) assert.ok(!auditText.includes(value));

    // The context survives: hosts, ids, messages, the error type and the non-secret fields.
    for (const context of [
      "db.internal:5432/orders?sslmode=require",
      "cache.internal",
      "r-1",
      "u-1",
      "curl/8",
    ]) {
      assert.ok(text.includes(context), `context "${context}" was lost`);
    }
    assert.match(text, /"msg":"connecting to postgres:\/\/orders:\*\*\*@db\.internal/);
    assert.match(text, /bearer token rejected: bad signature/);
    assert.deepEqual(
      audit.records().map((r) => [r.action, r.fields]),
      [["pii.redacted", ["email", "phone", "ssn"]]],
    );
  });
});
