/**
 * Stand-ins a generated workspace gets on a laptop (`allframe dev`, the docker-compose stack) for
 * settings production must supply itself.
 * @module
 */

/**
 * The HS256 secret services get locally when neither JWT_SECRET nor JWT_JWKS_URL is set, so a
 * websocket-gateway with `authorization = "jwt"` (which refuses to start without a key) runs on a
 * laptop. Development only: `allframe dev` prints it at start so local clients can sign tokens.
 */
export const DEV_JWT_SECRET = "allframe-dev-only-jwt-secret-change-me";
