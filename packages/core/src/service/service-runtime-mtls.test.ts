import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { hasErrorCode } from "../errors/allframe-error.ts";
import { createMemoryLogDestination } from "../observability/memory-log-destination.ts";
import { userHandlers } from "../router/users.fixture.ts";
import { createMtlsFetch } from "../security/mtls/mtls-fetch.ts";
import { createTestPki, type TestPki } from "../security/mtls/test-pki.fixture.ts";
import { serveProtocols } from "./serve-protocols.ts";
import { createServiceRuntime, type ServiceRuntime } from "./service-runtime.ts";

const MTLS = { security: { mtls: true } } as const;

describe("createServiceRuntime with [security].mtls = true", () => {
  let pki: TestPki;
  let runtime: ServiceRuntime;
  let url: string;

  before(async () => {
    pki = createTestPki();
    const env = {
      LOG_LEVEL: "silent",
      TLS_CA_FILE: join(pki.dir, "test-ca.crt"),
      TLS_CERT_FILE: join(pki.dir, "service.crt"),
      TLS_KEY_FILE: join(pki.dir, "service.key"),
    };
    runtime = createServiceRuntime({ name: "users", port: 0, env, profile: MTLS });
    serveProtocols(runtime.host, userHandlers(), {
      protocols: ["rest", "grpc"],
      grpc: { port: 0, package: "allframe.users.v1" },
      mtls: runtime.mtls,
    });
    ({ url } = await runtime.host.start());
  });

  after(async () => {
    await runtime.host.stop();
    pki.remove();
  });

  it("serves HTTPS that only a client with a certificate from the shared CA can reach", async () => {
    assert.match(url, /^https:/);
    const peer = createMtlsFetch(pki.client);
    assert.equal((await peer(`${url}/health`)).status, 200);
    await assert.rejects(
      createMtlsFetch(pki.stranger)(`${url}/health`),
      "a certificate from another CA is refused",
    );
  });

  it("calls peers with its own certificate through runtime.fetch", async () => {
    assert.equal((await runtime.fetch(`${url}/health`)).status, 200);
  });

  it("serves gRPC over mutual TLS: the explorer's client presents the service certificate", async () => {
    const peer = createMtlsFetch(pki.client);
    const invoked = await peer(`${url}/grpc/invoke`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        service: "allframe.users.v1.UserService",
        method: "CreateUser",
        request: { email: "ada@example.com", name: "Ada" },
      }),
    });
    const body = (await invoked.json()) as { status: number; response: { name: string } };
    assert.deepEqual([body.status, body.response.name], [0, "Ada"]);
  });

  it("refuses to start in production with mTLS on and no TLS files; warns and serves plain HTTP in dev", () => {
    assert.throws(
      () => createServiceRuntime({ name: "users", port: 0, env: { NODE_ENV: "production" }, profile: MTLS }),
      (error) => hasErrorCode(error, "configuration") && /TLS_CA_FILE/.test(error.message),
    );
    const logs = createMemoryLogDestination();
    const dev = createServiceRuntime({
      name: "users",
      port: 0,
      env: {},
      profile: MTLS,
      logDestination: logs,
    });
    assert.equal(dev.mtls, undefined);
    assert.ok(logs.entries().some((e) => e.level === "warn" && String(e.msg).includes("plain HTTP")));
  });
});
