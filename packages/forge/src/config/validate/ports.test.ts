import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { assertAt, HEADER, loadInline, onlyDiagnostic } from "../test-support.ts";

describe("ports", () => {
  it("rejects the same explicit port on two services, naming the first", () => {
    const result = loadInline(`${HEADER}
[[services]]
name = "users"
type = "stateless"
port = 8080

[[services]]
name = "orders"
type = "stateless"
ports = { inbound = ["rest:8080"] }
`);
    assert.equal(result.ok, false);
    const d = onlyDiagnostic(result, "port-collision");
    assert.equal(d.severity, "error");
    assert.equal(d.message, 'port 8080 is already used by "users" HTTP listener (line 7)');
    assert.deepEqual(d.path, ["services", 1, "ports", "inbound", 0]);
    assertAt(d, 12, 22);
  });

  it("rejects the same port on two protocols of one service", () => {
    const result = loadInline(`${HEADER}
[[services]]
name = "users"
type = "stateless"
protocols = ["rest", "grpc"]
[services.ports]
inbound = ["rest:8080", "grpc:8080"]
`);
    const d = onlyDiagnostic(result, "port-collision");
    assert.match(d.message, /already used by this service's HTTP listener/);
    assertAt(d, 9, 25);
  });

  it("treats port and rest:N with the same number as one listener", () => {
    const result = loadInline(`${HEADER}
[[services]]
name = "users"
type = "stateless"
port = 8080
ports = { inbound = ["rest:8080"] }
`);
    assert.ok(result.ok);
    assert.deepEqual(result.diagnostics, []);
    assert.equal(result.architecture.services[0]?.httpPort, 8080);
  });

  it("rejects a malformed inbound entry", () => {
    const result = loadInline(`${HEADER}
[[services]]
name = "users"
type = "stateless"
ports = { inbound = ["rest:8080", "soap:8081", "grpc:99999", "http8082"] }
`);
    const ds = result.diagnostics.filter((d) => d.code === "invalid-port");
    assert.deepEqual(
      ds.map((d) => [d.message, d.location?.column]),
      [
        ['unknown protocol "soap" in "soap:8081"', 35],
        ['port 99999 in "grpc:99999" is outside 1..65535', 48],
        ['"http8082" is not of the form "protocol:port"', 62],
      ],
    );
    assert.ok(ds.every((d) => d.severity === "error" && d.location?.line === 7));
  });

  it("warns when a service gives its HTTP listener two ports", () => {
    const result = loadInline(`${HEADER}
[[services]]
name = "users"
type = "stateless"
port = 8080
ports = { inbound = ["rest:8081"] }
`);
    assert.ok(result.ok);
    const d = onlyDiagnostic(result, "port-mismatch");
    assert.equal(d.severity, "warning");
    assert.equal(d.message, "the HTTP listener already has port 8080; 8081 is ignored");
    assertAt(d, 8, 22);
  });
});
