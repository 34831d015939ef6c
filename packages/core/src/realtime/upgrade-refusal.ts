/**
 * Plain HTTP answers to WebSocket upgrade requests the hub does not accept (RFC 6455 §4.2.2: any
 * status other than 101 refuses the handshake), with `WWW-Authenticate` on a 401 (RFC 6750 §3).
 * @module
 */
import { STATUS_CODES } from "node:http";
import type { Duplex } from "node:stream";
import { hasErrorCode, isAllFrameError } from "../errors/allframe-error.ts";

/**
 * The status to refuse an upgrade with when authorization threw `error`: the AllFrame code's HTTP
 * status (`"unauthorized"` → 401, `"forbidden"` → 403) with its message as the reason; 503 for
 * `"unavailable"` (e.g. the JWKS cannot be fetched) and 500 otherwise, without a reason.
 */
export function refusalFor(error: unknown): { status: number; reason?: string } {
  if (isAllFrameError(error) && error.mapping.http < 500) {
    return { status: error.mapping.http, reason: error.message };
  }
  // Server-side failures keep their message in the log, not in the answer.
  return { status: hasErrorCode(error, "unavailable") ? 503 : 500 };
}

/**
 * Answers an upgrade request with `status` and drops the socket. The body is the status text, then
 * `reason` when given; a 401 carries `WWW-Authenticate: Bearer error="invalid_token"` with the
 * reason as `error_description`.
 */
export function refuse(socket: Duplex, status: number, reason?: string): void {
  if (!socket.writable) return void socket.destroy();
  const text = STATUS_CODES[status] ?? "Error";
  const body = reason === undefined ? text : `${text}: ${reason}`;
  const description = reason?.replace(/["\\\r\n]/g, " ");
  const challenge =
    status === 401
      ? `WWW-Authenticate: Bearer error="invalid_token"${description === undefined ? "" : `, error_description="${description}"`}\r\n`
      : "";
  socket.once("finish", () => socket.destroy());
  socket.end(
    `HTTP/1.1 ${status} ${text}\r\nConnection: close\r\n${challenge}Content-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}
