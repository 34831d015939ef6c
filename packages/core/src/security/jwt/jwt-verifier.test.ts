import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, it } from "node:test";
import { exportJWK, exportSPKI, generateKeyPair, type JWTPayload, SignJWT } from "jose";
import { hasErrorCode } from "../../errors/allframe-error.ts";
import { ManualClock } from "../../runtime/clock.ts";
import { sensitive } from "../sensitive/sensitive.ts";
import { createJwtVerifier, type JwtVerifierOptions } from "./jwt-verifier.ts";

const NOW = Date.UTC(2026, 0, 1) / 1000;
const SECRET = "0123456789abcdef0123456789abcdef0123456789abcdef";
const secretKey = new TextEncoder().encode(SECRET);
const base = { issuer: "https://id.example.com/", audience: "orders" };

async function sign(
  key: Parameters<SignJWT["sign"]>[0],
  alg: string,
  claims: JWTPayload = {},
  header: { kid?: string } = {},
): Promise<string> {
  return new SignJWT({ sub: "user-1", scope: "orders:read", ...claims })
    .setProtectedHeader({ alg, ...header })
    .setIssuer(String(claims.iss ?? base.issuer))
    .setAudience(claims.aud ?? base.audience)
    .setIssuedAt(NOW)
    .setExpirationTime(typeof claims.exp === "number" ? claims.exp : NOW + 300)
    .sign(key);
}

function rejectsWith(reason: string, code = "unauthorized", token?: string) {
  return (e: unknown) => {
    assert.ok(hasErrorCode(e, code as "unauthorized"), `expected ${code}, got ${String(e)}`);
    assert.equal(e.details.reason, reason);
    if (token !== undefined) assert.ok(!e.message.includes(token), "the token is not echoed");
    return true;
  };
}

describe("createJwtVerifier with an HMAC secret", () => {
  const clock = new ManualClock(NOW * 1000);
  const verifier = createJwtVerifier({ ...base, secret: sensitive(SECRET), algorithms: ["HS256"], clock });

  it("returns the claims of a valid token", async () => {
    const claims = await verifier.verify(await sign(secretKey, "HS256"));
    assert.equal(claims.sub, "user-1");
    assert.equal(claims.scope, "orders:read");
  });

  it("refuses an expired token, and honours the clock tolerance", async () => {
    const token = await sign(secretKey, "HS256", { exp: NOW - 10 });
    await assert.rejects(verifier.verify(token), rejectsWith("expired", "unauthorized", token));
    await assert.rejects(verifier.verify(token), /bearer token rejected: token expired/);
    const lenient = createJwtVerifier({
      ...base,
      secret: SECRET,
      algorithms: ["HS256"],
      clock,
      clockToleranceSeconds: 30,
    });
    assert.equal((await lenient.verify(token)).sub, "user-1");
  });

  it("refuses a bad signature, a wrong audience or issuer, and a token not yet valid", async () => {
    const forged = await sign(new TextEncoder().encode("another-secret-another-secret-32b"), "HS256");
    await assert.rejects(verifier.verify(forged), rejectsWith("bad-signature", "unauthorized", forged));
    const otherAudience = await sign(secretKey, "HS256", { aud: "billing" });
    await assert.rejects(verifier.verify(otherAudience), rejectsWith("wrong-audience"));
    await assert.rejects(verifier.verify(otherAudience), /wrong audience \(expected orders\)/);
    await assert.rejects(
      verifier.verify(await sign(secretKey, "HS256", { iss: "https://evil/" })),
      rejectsWith("wrong-issuer"),
    );
    await assert.rejects(
      verifier.verify(await sign(secretKey, "HS256", { nbf: NOW + 60 })),
      rejectsWith("not-yet-valid"),
    );
  });

  it("refuses malformed tokens and algorithms outside the allow-list", async () => {
    await assert.rejects(verifier.verify("not.a-token"), rejectsWith("malformed"));
    const hs384 = await sign(secretKey, "HS384");
    await assert.rejects(verifier.verify(hs384), rejectsWith("algorithm-not-allowed"));
    await assert.rejects(verifier.verify(hs384), /accepted: HS256/);
  });
});

describe("createJwtVerifier with public keys", () => {
  const clock = new ManualClock(NOW * 1000);

  it("verifies RS256 with a PEM public key and ES256 with a JWK", async () => {
    const rsa = await generateKeyPair("RS256", { extractable: true });
    const ec = await generateKeyPair("ES256", { extractable: true });
    const rsVerifier = createJwtVerifier({
      ...base,
      publicKey: await exportSPKI(rsa.publicKey),
      algorithms: ["RS256"],
      clock,
    });
    const esVerifier = createJwtVerifier({
      ...base,
      publicKey: await exportJWK(ec.publicKey),
      algorithms: ["ES256"],
      clock,
    });
    assert.equal((await rsVerifier.verify(await sign(rsa.privateKey, "RS256"))).sub, "user-1");
    assert.equal((await esVerifier.verify(await sign(ec.privateKey, "ES256"))).sub, "user-1");
    const other = await generateKeyPair("ES256");
    await assert.rejects(
      esVerifier.verify(await sign(other.privateKey, "ES256")),
      rejectsWith("bad-signature"),
    );
    const both = createJwtVerifier({
      ...base,
      publicKey: await exportJWK(ec.publicKey),
      algorithms: ["RS256", "ES256"],
      clock,
    });
    await assert.rejects(both.verify(await sign(rsa.privateKey, "RS256")), rejectsWith("key-mismatch"));
  });
});

describe("createJwtVerifier with a JWKS URL", () => {
  const clock = new ManualClock(NOW * 1000);
  let server: Server;
  let jwksUrl = "";
  let keys: { privateKey: CryptoKey; kid: string };

  before(async () => {
    const pair = await generateKeyPair("RS256", { extractable: true });
    keys = { privateKey: pair.privateKey, kid: "key-2026" };
    const jwk = { ...(await exportJWK(pair.publicKey)), kid: keys.kid, alg: "RS256", use: "sig" };
    server = createServer((_req, res) => {
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ keys: [jwk] }));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    jwksUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/.well-known/jwks.json`;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it("fetches the key by kid and verifies", async () => {
    const verifier = createJwtVerifier({ ...base, jwksUrl, algorithms: ["RS256"], clock });
    const claims = await verifier.verify(await sign(keys.privateKey, "RS256", {}, { kid: keys.kid }));
    assert.equal(claims.sub, "user-1");
  });

  it("refuses a token whose kid is not in the set", async () => {
    const verifier = createJwtVerifier({ ...base, jwksUrl, algorithms: ["RS256"], clock });
    const token = await sign(keys.privateKey, "RS256", {}, { kid: "retired-key" });
    await assert.rejects(verifier.verify(token), rejectsWith("unknown-key"));
  });

  it("reports an unreachable JWKS endpoint as unavailable, naming it", async () => {
    const down = createServer();
    await new Promise<void>((resolve) => down.listen(0, "127.0.0.1", resolve));
    const url = `http://127.0.0.1:${(down.address() as AddressInfo).port}/jwks.json`;
    await new Promise<void>((resolve) => down.close(() => resolve()));
    const verifier = createJwtVerifier({ ...base, jwksUrl: url, algorithms: ["RS256"], clock });
    await assert.rejects(
      verifier.verify(await sign(keys.privateKey, "RS256", {}, { kid: keys.kid })),
      (e) => hasErrorCode(e, "unavailable") && e.message.includes(url),
    );
  });
});

describe("createJwtVerifier configuration", () => {
  const cases: Array<[string, JwtVerifierOptions, RegExp]> = [
    ["no key source", { algorithms: ["RS256"] }, /exactly one of secret, publicKey, jwksUrl \(got none\)/],
    [
      "two key sources",
      { secret: SECRET, jwksUrl: "https://x/jwks", algorithms: ["HS256"] },
      /got secret, jwksUrl/,
    ],
    ["no algorithms", { secret: SECRET, algorithms: [] }, /at least one algorithm/],
    ["a short secret", { secret: "short", algorithms: ["HS256"] }, /5 bytes; HS256 needs at least 32/],
    ["a secret for RS256", { secret: SECRET, algorithms: ["RS256"] }, /HS256\/HS384\/HS512 only, not RS256/],
    ["HS256 with a JWKS", { jwksUrl: "https://x/jwks", algorithms: ["HS256"] }, /HS256 needs a secret/],
  ];
  for (const [name, options, message] of cases) {
    it(`rejects ${name}`, () => {
      assert.throws(
        () => createJwtVerifier(options),
        (e) => hasErrorCode(e, "configuration") && message.test(e.message),
      );
    });
  }
});
