/**
 * Reads the token from an `Authorization: Bearer <token>` header (RFC 6750 §2.1).
 * @module
 */
import { AllFrameError } from "../../errors/allframe-error.ts";

/** Request headers as Fetch `Headers` or Node's `IncomingHttpHeaders` (lower-case keys). */
export type HeadersLike = Headers | Readonly<Record<string, string | readonly string[] | undefined>>;

/**
 * The bearer token of a request.
 * @throws AllFrameError `unauthorized` (`details.reason`: `missing` or `malformed`) when there is no
 *   `Authorization` header, it is repeated, or it is not `Bearer <token>`. The header value is not echoed.
 * @example const claims = await verifier.verify(bearerToken(req.headers));
 */
export function bearerToken(headers: HeadersLike): string {
  const raw = headers instanceof Headers ? headers.get("authorization") : headers.authorization;
  if (raw === undefined || raw === null || raw === "") {
    throw new AllFrameError(
      "unauthorized",
      "missing Authorization header; send Authorization: Bearer <token>",
      {
        details: { reason: "missing" },
      },
    );
  }
  const match = typeof raw === "string" ? /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i.exec(raw) : null;
  if (match?.[1] === undefined) {
    throw new AllFrameError("unauthorized", "malformed Authorization header; expected Bearer <token>", {
      details: { reason: "malformed" },
    });
  }
  return match[1];
}
