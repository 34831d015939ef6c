/**
 * The files of mutual TLS: the CA that signs every service's certificate, this service's certificate
 * and its private key (`[security].mtls = true`), loaded from `TLS_CA_FILE`, `TLS_CERT_FILE`,
 * `TLS_KEY_FILE`.
 * @module
 */
import { readFileSync } from "node:fs";
import { AllFrameError, type ErrorIssue } from "../../errors/allframe-error.ts";
import { Sensitive } from "../sensitive/sensitive.ts";

/** PEM material for one service. The key stays wrapped so logging the material cannot leak it. */
export interface MtlsMaterial {
  /** The CA certificate(s) peers must chain to (PEM). */
  ca: string | Buffer;
  /** This service's certificate chain (PEM). */
  cert: string | Buffer;
  /** This service's private key (PEM). */
  key: Sensitive<string | Buffer>;
}

const VARIABLES = ["TLS_CA_FILE", "TLS_CERT_FILE", "TLS_KEY_FILE"] as const;

/**
 * Reads the three PEM files that `TLS_CA_FILE`, `TLS_CERT_FILE` and `TLS_KEY_FILE` name.
 * @throws AllFrameError `configuration` listing every unset variable, or naming the variable and path
 *   of a file that cannot be read.
 * @example const material = loadMtlsMaterial(process.env);
 */
export function loadMtlsMaterial(env: Record<string, string | undefined> = process.env): MtlsMaterial {
  const missing = VARIABLES.filter((name) => (env[name] ?? "") === "");
  if (missing.length > 0) {
    const issues: ErrorIssue[] = missing.map((name) => ({ path: [name], message: "required for mTLS" }));
    throw new AllFrameError(
      "configuration",
      `mTLS is on but ${missing.join(", ")} ${missing.length === 1 ? "is" : "are"} not set; set each to a PEM file path`,
      { issues },
    );
  }
  const read = (name: (typeof VARIABLES)[number]): Buffer => {
    const path = env[name] ?? "";
    try {
      return readFileSync(path);
    } catch (error) {
      const why = (error as NodeJS.ErrnoException).code ?? String(error);
      throw new AllFrameError(
        "configuration",
        `${name}=${path} cannot be read (${why}); point it at a PEM file`,
        {
          cause: error,
          issues: [{ path: [name], message: `cannot read ${path}` }],
        },
      );
    }
  };
  return { ca: read("TLS_CA_FILE"), cert: read("TLS_CERT_FILE"), key: new Sensitive(read("TLS_KEY_FILE")) };
}
