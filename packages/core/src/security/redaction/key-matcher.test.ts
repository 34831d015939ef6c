import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { createKeyMatcher, DEFAULT_SECRET_KEYS, keyWords } from "./key-matcher.ts";

describe("keyWords", () => {
  it("splits camelCase, acronyms, snake, kebab and dotted keys", () => {
    assert.deepEqual(keyWords("dbPassword"), ["db", "password"]);
    assert.deepEqual(keyWords("X-API-Key"), ["x", "api", "key"]);
    assert.deepEqual(keyWords("APIKey"), ["api", "key"]);
    assert.deepEqual(keyWords("customer_email.address"), ["customer", "email", "address"]);
  });
});

describe("createKeyMatcher", () => {
  const secret = createKeyMatcher(DEFAULT_SECRET_KEYS);
  const pii = createKeyMatcher(["email", "phone", "address", "ssn", "date_of_birth"]);

  it("matches secret keys in any case style and as part of longer names", () => {
    for (const key of ["password", "PASSWORD", "dbPassword", "db_password", "dbpassword", "clientSecret"]) {
      assert.ok(secret(key), key);
    }
    for (const key of ["x-api-key", "apiKey", "API_KEY", "authorization", "Set-Cookie", "privateKey"]) {
      assert.ok(secret(key), key);
    }
    assert.equal(secret("refresh_token"), "token");
    assert.equal(secret("pass"), "pass", "nodemailer's and redis' auth: { user, pass }");
  });

  it("leaves ordinary keys alone", () => {
    for (const key of ["orderId", "passenger", "keyId", "monkey", "user", "authorId", "host"]) {
      assert.equal(secret(key), undefined, key);
    }
  });

  it("matches PII fields by whole words, returning the configured name", () => {
    assert.equal(pii("customerEmail"), "email");
    assert.equal(pii("email_address"), "email");
    assert.equal(pii("addressLine1"), "address");
    assert.equal(pii("dateOfBirth"), "date_of_birth");
    assert.equal(pii("SSN"), "ssn");
    assert.equal(pii("className"), undefined);
    assert.equal(pii("lessons"), undefined);
  });

  it("gives the same answer from its memo", () => {
    assert.equal(pii("customerEmail"), "email");
    assert.equal(pii("className"), undefined);
  });
});
