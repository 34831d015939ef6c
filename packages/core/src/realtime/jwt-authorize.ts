/**
 * JWT authorization of WebSocket upgrades (seed 000 `[services.subscriptions] authorization = "jwt"`):
 * the token comes in `Authorization: Bearer` (RFC 6750 §2.1) or, because browsers cannot set headers
 * on a WebSocket, in the `token` query parameter (RFC 6750 §2.3); it is verified before the upgrade
 * completes, its `sub` names the connection's user and its `exp` ends the connection.
 * @module
 */
import type { IncomingMessage } from "node:http";
import { AllFrameError } from "../errors/allframe-error.ts";
import { bearerToken } from "../security/jwt/bearer-token.ts";
import type { JwtVerifier } from "../security/jwt/jwt-verifier.ts";
import type { Authorize } from "./hub-options.ts";

/**
 * The token of an upgrade request: the `Authorization: Bearer` header when present, else the `token`
 * query parameter.
 * @throws AllFrameError `"unauthorized"` (`details.reason` `missing` or `malformed`) when there is neither,
 *   or the header is not `Bearer <token>`. The token is never echoed.
 */
export function upgradeToken(req: IncomingMessage): string {
  if (req.headers.authorization !== undefined) return bearerToken(req.headers);
  const token = new URL(req.url ?? "/", "http://localhost").searchParams.get("token");
  if (token === null || token === "") {
    throw new AllFrameError(
      "unauthorized",
      "missing token: send Authorization: Bearer <token>, or ?token=<token> from a browser",
      { details: { reason: "missing" } },
    );
  }
  return token;
}

/**
 * An {@link Authorize} for `WebSocketHub` that verifies the upgrade's JWT with `verifier` (signature,
 * algorithm, `exp`/`nbf`, `iss`, `aud`) and answers `{ userId: sub, expiresAt: exp × 1000 }`.
 * The hub refuses a failed upgrade with the error's HTTP status (401, or 503 when the JWKS cannot be
 * fetched) and closes the connection with 1008 once `expiresAt` passes.
 *
 * @throws AllFrameError `"unauthorized"` (from the returned function) for a missing, malformed, invalid
 *   or expired token, or one without a `sub`; `"unavailable"` when the verifier cannot load its keys.
 * @example
 * const verifier = createJwtVerifier({ secret: env.JWT_SECRET, algorithms: ["HS256"] });
 * const hub = new WebSocketHub({ heartbeatIntervalMs: 30_000, maxConnections: 10_000,
 *   authorize: jwtAuthorize(verifier) });
 */
export function jwtAuthorize(verifier: JwtVerifier): Authorize {
  return async (req) => {
    const claims = await verifier.verify(upgradeToken(req));
    if (typeof claims.sub !== "string" || claims.sub === "") {
      throw new AllFrameError("unauthorized", "bearer token rejected: it has no sub claim naming the user", {
        details: { reason: "missing-subject" },
      });
    }
    return claims.exp === undefined
      ? { userId: claims.sub }
      : { userId: claims.sub, expiresAt: claims.exp * 1000 };
  };
}
