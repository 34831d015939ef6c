import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { createTextRedactor, obfuscateUrl, redactSecrets } from "./redact-secrets.ts";

describe("obfuscateUrl", () => {
  it("hides the password of a connection URL and keeps the rest as written", () => {
    assert.equal(obfuscateUrl("postgres://user:secret@host"), "postgres://user:***@host");
    assert.equal(obfuscateUrl("redis://:s3cr3t@cache:6379/0"), "redis://:***@cache:6379/0");
    assert.equal(obfuscateUrl("amqp://guest:p@ss@rabbit/vhost"), "amqp://guest:***@rabbit/vhost");
    assert.equal(obfuscateUrl("postgres://app@db/orders"), "postgres://app@db/orders");
  });

  it("hides secret query parameters", () => {
    assert.equal(
      obfuscateUrl("https://api.example.com/v1?password=a&token=b&api_key=c&secret=d&page=2"),
      "https://api.example.com/v1?password=***&token=***&api_key=***&secret=***&page=2",
    );
    assert.equal(
      obfuscateUrl(new URL("https://s3.example.com/o?X-Amz-Signature=abc123&X-Amz-Date=20260101")),
      "https://s3.example.com/o?X-Amz-Signature=***&X-Amz-Date=20260101",
    );
  });
});

describe("redactSecrets", () => {
  it("hides URLs inside error messages", () => {
    assert.equal(
      redactSecrets("connect ECONNREFUSED postgres://app:hunter2@db:5432/orders (retrying)"),
      "connect ECONNREFUSED postgres://app:***@db:5432/orders (retrying)",
    );
  });

  it("hides Bearer and Basic credentials, JWTs and AWS access key ids", () => {
    assert.equal(redactSecrets("Authorization: Bearer abc.def-123_xyz"), "Authorization: *** ***");
    assert.equal(redactSecrets("sent Bearer abcdefghijkl"), "sent Bearer ***");
    assert.equal(redactSecrets("header Basic dXNlcjpwYXNzd29yZA=="), "header Basic ***");
    assert.equal(redactSecrets("Basic authentication is off"), "Basic *** is off");
    assert.equal(redactSecrets("Basic auth is off"), "Basic auth is off");
    assert.equal(redactSecrets("jwt eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln rejected"), "jwt *** rejected");
    assert.equal(redactSecrets("key AKIAIOSFODNN7EXAMPLE denied"), "key AKIA*** denied");
    assert.equal(redactSecrets("AKIAIOSFODNN7EXAMPLE"), "AKIA***");
  });

  it("hides name=value, name: value and JSON pairs whose name is a secret", () => {
    assert.equal(
      redactSecrets("login failed password=hunter2 user=bob"),
      "login failed password=*** user=bob",
    );
    assert.equal(redactSecrets("Password: hunter2"), "Password: ***");
    assert.equal(
      redactSecrets('{"client_secret":"a b c","user":"bob","token":"t"}'),
      '{"client_secret":"***","user":"bob","token":"***"}',
    );
    assert.equal(
      redactSecrets("aws_secret_access_key='wJalrXUtnFEMI/K7MDENG'"),
      "aws_secret_access_key='***'",
    );
  });

  it("hides PEM private keys", () => {
    const pem = "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBg\n-----END PRIVATE KEY-----";
    assert.equal(redactSecrets(`bad key ${pem} end`), "bad key [REDACTED PRIVATE KEY] end");
  });

  it("returns text without secrets unchanged, including stack frames of files named like keys", () => {
    const text = "order o-1 placed for 3 items at https://shop.example.com/orders/o-1";
    assert.equal(redactSecrets(text), text);
    const frame = "    at verify (file:///app/src/jwt/token-store.ts:12:5)";
    assert.equal(redactSecrets(frame), frame);
  });

  it("looks inside the value of a pair whose own name is harmless", () => {
    assert.equal(redactSecrets("failed: password=hunter2"), "failed: password=***");
  });
});

describe("createTextRedactor", () => {
  it("uses the given secret key names for name=value pairs", () => {
    const redact = createTextRedactor(["pin"]);
    assert.equal(redact("pin=1234 password=x"), "pin=*** password=x");
  });
});
