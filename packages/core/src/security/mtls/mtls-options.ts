/**
 * Node TLS options for mutual TLS between services: both sides present a certificate from the shared
 * CA and both verify the other's (seed 001, Phase 14 "mTLS configuration").
 * @module
 */
import { Agent } from "node:https";
import type { ConnectionOptions, TlsOptions } from "node:tls";
import type { MtlsMaterial } from "./mtls-material.ts";

/**
 * Options for `https.createServer`, `http2.createSecureServer` or `tls.createServer` that demand a
 * client certificate signed by `material.ca` (`requestCert: true, rejectUnauthorized: true`):
 * a client without one, or with one from another CA, fails the handshake.
 * @example https.createServer(mtlsServerOptions(loadMtlsMaterial()), app).listen(8443);
 */
export function mtlsServerOptions(material: MtlsMaterial): TlsOptions {
  return {
    ca: material.ca,
    cert: material.cert,
    key: material.key.expose(),
    requestCert: true,
    rejectUnauthorized: true,
  };
}

/**
 * Options for `https.request`, `tls.connect` or an `https.Agent`: present this service's certificate
 * and accept only servers whose certificate chains to `material.ca` (the host name is checked too).
 */
export function mtlsClientOptions(material: MtlsMaterial): ConnectionOptions {
  return { ca: material.ca, cert: material.cert, key: material.key.expose(), rejectUnauthorized: true };
}

/** A keep-alive `https.Agent` with {@link mtlsClientOptions}, for clients that accept an agent. */
export function mtlsAgent(material: MtlsMaterial): Agent {
  return new Agent({ ...mtlsClientOptions(material), keepAlive: true });
}
