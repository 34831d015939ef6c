/**
 * JWT bearer-token verification on `jose`: signature, algorithm allow-list, expiry, issuer and
 * audience (`[security.authentication]`: `jwt_issuer`, `jwks_url`, `audience`). RFC 7519, RFC 8725
 * (JWT best current practices: pin algorithms, check `iss`/`aud`).
 * @module
 */
import { createPublicKey, type JsonWebKey, type KeyObject } from "node:crypto";
import { createRemoteJWKSet, type JWK, type JWTPayload, type JWTVerifyGetKey, jwtVerify } from "jose";
import { AllFrameError } from "../../errors/allframe-error.ts";
import { type Clock, systemClock } from "../../runtime/clock.ts";
import { isSensitive, type Sensitive } from "../sensitive/sensitive.ts";

/** Where verification keys come from: set exactly one of `secret`, `publicKey`, `jwksUrl`. */
export interface JwtVerifierOptions {
  /** HMAC shared secret (HS256/384/512), at least as long as the hash (32/48/64 bytes, RFC 7518 §3.2). */
  secret?: string | Sensitive<string> | Uint8Array;
  /** Public key for RS*, PS*, ES*, EdDSA: PEM (SPKI), a JWK object or a `KeyObject`. */
  publicKey?: string | JWK | KeyObject;
  /** JWKS endpoint (e.g. `https://issuer/.well-known/jwks.json`); keys are fetched and cached by `kid`. */
  jwksUrl?: string | URL;
  /** Required `iss` (one or any of several). */
  issuer?: string | string[];
  /** Required `aud` (the token must name one of these). */
  audience?: string | string[];
  /** Accepted `alg` values, e.g. `["RS256"]`; required, so a token cannot pick its own algorithm. */
  algorithms: string[];
  /** Leeway for `exp`, `nbf` and `iat`, in seconds; default 0. */
  clockToleranceSeconds?: number;
  /** Default: the system clock; tests pass a `ManualClock`. */
  clock?: Clock;
}

/** Verifies tokens with one configured key source. */
export interface JwtVerifier {
  /**
   * The token's claims once signature, algorithm, `exp`/`nbf`, `iss` and `aud` check out.
   * @throws AllFrameError `unauthorized` whose message says why (expired, bad signature, wrong
   *   audience, ...) and whose `details.reason` is machine-readable; the token is never echoed.
   * @throws AllFrameError `unavailable` when the JWKS endpoint cannot be fetched or read.
   */
  verify(token: string): Promise<JWTPayload>;
}

const HMAC_MIN_BYTES: Record<string, number> = { HS256: 32, HS384: 48, HS512: 64 };

function configError(message: string): AllFrameError {
  return new AllFrameError("configuration", `JWT verifier: ${message}`);
}

function hmacKey(secret: string | Sensitive<string> | Uint8Array, algorithms: string[]): Uint8Array {
  const key =
    secret instanceof Uint8Array
      ? secret
      : new TextEncoder().encode(isSensitive(secret) ? secret.expose() : secret);
  const wrong = algorithms.filter((alg) => HMAC_MIN_BYTES[alg] === undefined);
  if (wrong.length > 0)
    throw configError(`a secret verifies HS256/HS384/HS512 only, not ${wrong.join(", ")}`);
  const needed = Math.max(...algorithms.map((alg) => HMAC_MIN_BYTES[alg] ?? 0));
  if (key.length < needed) {
    throw configError(`the secret has ${key.length} bytes; ${algorithms.join("/")} needs at least ${needed}`);
  }
  return key;
}

function keySource(opts: JwtVerifierOptions): Uint8Array | KeyObject | JWTVerifyGetKey {
  const given = (["secret", "publicKey", "jwksUrl"] as const).filter((name) => opts[name] !== undefined);
  if (given.length !== 1) {
    throw configError(`set exactly one of secret, publicKey, jwksUrl (got ${given.join(", ") || "none"})`);
  }
  if (opts.algorithms.length === 0)
    throw configError("algorithms must name at least one algorithm, e.g. RS256");
  if (opts.secret !== undefined) return hmacKey(opts.secret, opts.algorithms);
  const hmac = opts.algorithms.filter((alg) => alg.startsWith("HS"));
  if (hmac.length > 0) throw configError(`${hmac.join(", ")} needs a secret, not a public key or JWKS`);
  if (opts.jwksUrl !== undefined) return createRemoteJWKSet(new URL(opts.jwksUrl));
  const key = opts.publicKey;
  if (typeof key === "string") return createPublicKey(key);
  if (key !== undefined && "kty" in key) return createPublicKey({ key: key as JsonWebKey, format: "jwk" });
  return key as KeyObject;
}

// jose error code → [details.reason, message]. Other failures come from the key source.
const TOKEN_FAULTS: Record<string, [reason: string, message: string]> = {
  ERR_JWT_EXPIRED: ["expired", "token expired"],
  ERR_JWS_SIGNATURE_VERIFICATION_FAILED: ["bad-signature", "bad signature"],
  ERR_JOSE_ALG_NOT_ALLOWED: ["algorithm-not-allowed", "algorithm not allowed"],
  ERR_JOSE_NOT_SUPPORTED: ["algorithm-not-allowed", "algorithm not supported"],
  ERR_JWS_INVALID: ["malformed", "malformed token"],
  ERR_JWT_INVALID: ["malformed", "malformed token"],
  ERR_JWKS_NO_MATCHING_KEY: ["unknown-key", "no key in the JWKS matches the token's kid"],
  ERR_JWKS_MULTIPLE_MATCHING_KEYS: ["unknown-key", "several JWKS keys match the token; it needs a kid"],
};

const CLAIM_FAULTS: Record<string, [reason: string, message: string]> = {
  aud: ["wrong-audience", "wrong audience"],
  iss: ["wrong-issuer", "wrong issuer"],
  nbf: ["not-yet-valid", "token not yet valid (nbf is in the future)"],
  iat: ["issued-in-future", "token issued in the future (iat)"],
};

function fault(error: unknown, opts: JwtVerifierOptions): [reason: string, message: string] | undefined {
  const code = (error as { code?: unknown }).code;
  if (code === "ERR_JWT_CLAIM_VALIDATION_FAILED") {
    const claim = String((error as { claim?: unknown }).claim);
    const [reason, message] = CLAIM_FAULTS[claim] ?? ["invalid-claim", `claim "${claim}" is invalid`];
    if (claim === "aud") return [reason, `${message} (expected ${[opts.audience].flat().join(" or ")})`];
    if (claim === "iss") return [reason, `${message} (expected ${[opts.issuer].flat().join(" or ")})`];
    return [reason, message];
  }
  const known = typeof code === "string" ? TOKEN_FAULTS[code] : undefined;
  if (known?.[0] === "algorithm-not-allowed")
    return [known[0], `${known[1]} (accepted: ${opts.algorithms.join(", ")})`];
  if (known !== undefined || opts.jwksUrl !== undefined) return known;
  // A fixed key that does not fit the token's algorithm (an RS256 token against an EC key).
  return ["key-mismatch", "the configured key cannot verify this token's algorithm"];
}

function toAllFrameError(error: unknown, opts: JwtVerifierOptions): AllFrameError {
  const found = fault(error, opts);
  if (found === undefined) {
    const why = error instanceof Error ? error.message : String(error);
    return new AllFrameError("unavailable", `JWT verifier: cannot load keys from ${opts.jwksUrl}: ${why}`, {
      cause: error,
    });
  }
  const [reason, message] = found;
  return new AllFrameError("unauthorized", `bearer token rejected: ${message}`, { details: { reason } });
}

/**
 * Builds a verifier. Keys are resolved once (a JWKS is fetched on first use, refetched on an unknown
 * `kid`, with jose's cooldown).
 *
 * @throws AllFrameError `configuration` when not exactly one key source is set, `algorithms` is empty,
 *   the algorithms do not fit the key kind, or an HMAC secret is shorter than its hash.
 * @example
 * const jwt = createJwtVerifier({ jwksUrl: env.JWKS_URL, issuer: "https://id.example.com/",
 *   audience: "orders", algorithms: ["RS256"], clockToleranceSeconds: 30 });
 * const claims = await jwt.verify(bearerToken(request.headers));
 */
export function createJwtVerifier(opts: JwtVerifierOptions): JwtVerifier {
  const key = keySource(opts);
  const clock = opts.clock ?? systemClock;
  return {
    async verify(token) {
      try {
        const options = {
          algorithms: opts.algorithms,
          issuer: opts.issuer,
          audience: opts.audience,
          clockTolerance: opts.clockToleranceSeconds ?? 0,
          currentDate: clock.now(),
        };
        const result =
          typeof key === "function"
            ? await jwtVerify(token, key, options)
            : await jwtVerify(token, key, options);
        return result.payload;
      } catch (error) {
        throw toAllFrameError(error, opts);
      }
    },
  };
}
