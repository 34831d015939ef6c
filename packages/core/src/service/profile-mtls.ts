/**
 * `[security].mtls = true` → this service's mutual-TLS material, from `TLS_CA_FILE`, `TLS_CERT_FILE`
 * and `TLS_KEY_FILE`. On a laptop the files are usually absent: outside production the service then
 * serves plain HTTP and says so once at warn; with `NODE_ENV=production` that is refused, so a
 * deployment can never silently lose mTLS.
 * @module
 */
import { AllFrameError } from "../errors/allframe-error.ts";
import type { Logger } from "../observability/logger.ts";
import { loadMtlsMaterial, type MtlsMaterial } from "../security/mtls/mtls-material.ts";
import type { SecurityProfile } from "./service-profile.ts";

const TLS_VARIABLES = ["TLS_CA_FILE", "TLS_CERT_FILE", "TLS_KEY_FILE"] as const;

/**
 * The material to serve and call with, or undefined when mTLS is off (or off for dev, logged).
 * @throws AllFrameError `configuration` when only some of the TLS variables are set, a file cannot be
 *   read, or mTLS is on in production without them.
 */
export function profileMtls(
  security: SecurityProfile | undefined,
  env: Readonly<Record<string, string | undefined>>,
  logger: Logger,
): MtlsMaterial | undefined {
  if (security?.mtls !== true) return undefined;
  if (TLS_VARIABLES.some((name) => (env[name] ?? "") !== "")) return loadMtlsMaterial({ ...env });
  const advice = `set ${TLS_VARIABLES.join(", ")} to PEM files (the CA, this service's certificate and key)`;
  if (env.NODE_ENV === "production") {
    throw new AllFrameError(
      "configuration",
      `[security].mtls is true but no TLS files are configured; ${advice}`,
    );
  }
  logger.warn(
    `[security].mtls is true but no TLS files are configured: serving plain HTTP for development; ${advice}`,
  );
  return undefined;
}
