import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { assertAt, diagnosticsWith, HEADER, loadInline } from "../test-support.ts";

describe("unknown keys", () => {
  const result = loadInline(`${HEADER}
[observabilty]
tracing = "opentelemetry"

[[services]]
name = "users"
type = "stateless"
respnsibility = "Accounts"
circuit_breaker = { failure_treshold = 3 }
[services.jobs]
nightly = { cron = "0 2 * * *", timezon = "UTC" }
`);

  it("are warnings, so the file still loads", () => {
    assert.ok(result.ok);
    assert.ok(diagnosticsWith(result, "unknown-key").every((d) => d.severity === "warning"));
  });

  it("are reported at the key, with the known key they most likely meant", () => {
    const [top, respons, breaker, timezone] = diagnosticsWith(result, "unknown-key");
    assert.equal(top?.message, 'unknown key "observabilty" at the top level is ignored');
    assert.equal(top?.hint, 'did you mean "observability"?');
    assertAt(top ?? assert.fail(), 4, 2);

    assert.equal(respons?.message, 'unknown key "respnsibility" in services[0] is ignored');
    assert.equal(respons?.hint, 'did you mean "responsibility"?');
    assert.equal(respons?.service, "users");
    assertAt(respons ?? assert.fail(), 10, 1);

    assert.deepEqual(breaker?.path, ["services", 0, "circuit_breaker", "failure_treshold"]);
    assert.equal(breaker?.hint, 'did you mean "failure_threshold"?');
    assertAt(breaker ?? assert.fail(), 11, 21);

    assert.deepEqual(timezone?.path, ["services", 0, "jobs", "nightly", "timezon"]);
    assertAt(timezone ?? assert.fail(), 13, 33);
  });

  it("accept any name for a record entry such as a job", () => {
    assert.ok(!result.diagnostics.some((d) => d.path.at(-1) === "nightly"));
  });

  it("list the known keys when nothing is close", () => {
    const far = loadInline(
      `${HEADER}\n[[services]]\nname = "users"\ntype = "stateless"\nflavour = "vanilla"\n`,
    );
    const [d] = diagnosticsWith(far, "unknown-key");
    assert.match(d?.hint ?? "", /^known keys here: name, type, responsibility, protocols, port/);
  });
});
