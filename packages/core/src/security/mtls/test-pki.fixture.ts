/**
 * A throwaway PKI for mTLS tests, made with the `openssl` CLI in a temporary folder: a CA, a server
 * certificate for 127.0.0.1 (subjectAltName IP), a client certificate, and a second CA with its own
 * client certificate (which the first CA's servers must refuse).
 * @module
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Sensitive } from "../sensitive/sensitive.ts";
import type { MtlsMaterial } from "./mtls-material.ts";

/** The generated material and the folder holding the PEM files (`<name>.crt`, `<name>.key`). */
export interface TestPki {
  dir: string;
  server: MtlsMaterial;
  client: MtlsMaterial;
  /** A client certificate from another CA; its `ca` is that other CA. */
  stranger: MtlsMaterial;
  /** A service's certificate: server and client auth, for 127.0.0.1 (`service.crt`, `service.key`). */
  service: MtlsMaterial;
  remove(): void;
}

const OPENSSL = "/usr/bin/openssl";
const EC = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];

/** Creates the PKI (about a dozen openssl runs). */
export function createTestPki(): TestPki {
  const dir = mkdtempSync(join(tmpdir(), "allframe-pki-"));
  const file = (name: string) => join(dir, name);
  const openssl = (...args: string[]) => execFileSync(OPENSSL, args, { cwd: dir, stdio: "pipe" });
  const ca = (name: string) =>
    openssl(
      "req",
      "-x509",
      ...EC,
      "-keyout",
      `${name}.key`,
      "-out",
      `${name}.crt`,
      "-days",
      "2",
      "-subj",
      `/CN=${name}`,
      "-addext",
      "basicConstraints=critical,CA:TRUE",
      "-addext",
      "keyUsage=critical,keyCertSign,cRLSign",
    );
  const leaf = (name: string, signer: string, extensions: string) => {
    writeFileSync(file(`${name}.ext`), extensions);
    openssl("req", ...EC, "-keyout", `${name}.key`, "-out", `${name}.csr`, "-subj", `/CN=${name}`);
    openssl(
      "x509",
      "-req",
      "-in",
      `${name}.csr`,
      "-CA",
      `${signer}.crt`,
      "-CAkey",
      `${signer}.key`,
      "-CAcreateserial",
      "-out",
      `${name}.crt`,
      "-days",
      "2",
      "-extfile",
      `${name}.ext`,
    );
  };
  ca("test-ca");
  ca("other-ca");
  leaf("server", "test-ca", "subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n");
  leaf("client", "test-ca", "extendedKeyUsage=clientAuth\n");
  leaf("stranger", "other-ca", "extendedKeyUsage=clientAuth\n");
  // A service is both: it serves its peers and calls them with the same certificate.
  leaf("service", "test-ca", "subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth,clientAuth\n");
  const material = (name: string, caName: string): MtlsMaterial => ({
    ca: readFileSync(file(`${caName}.crt`)),
    cert: readFileSync(file(`${name}.crt`)),
    key: new Sensitive(readFileSync(file(`${name}.key`))),
  });
  return {
    dir,
    server: material("server", "test-ca"),
    client: material("client", "test-ca"),
    stranger: material("stranger", "other-ca"),
    service: material("service", "test-ca"),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
