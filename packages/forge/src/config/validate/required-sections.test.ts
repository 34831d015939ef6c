import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { assertAt, HEADER, loadInline, onlyDiagnostic } from "../test-support.ts";

const lone = (type: string, extra = "") => `${HEADER}
[[services]]
name = "svc"
type = "${type}"
${extra}`;

describe("required sections", () => {
  const cases: [type: string, needs: RegExp, path: string[]][] = [
    ["saga-orchestrator", /needs a non-empty saga\.steps/, ["saga", "steps"]],
    ["consumer", /needs a non-empty consumer\.events/, ["consumer", "events"]],
    ["bff", /needs a non-empty bff\.aggregates/, ["bff", "aggregates"]],
    ["scheduled", /needs schedule\.cron or at least one jobs entry/, ["schedule", "cron"]],
    ["stream-processor", /needs a non-empty stream\.input_topics/, ["stream", "input_topics"]],
    ["anti-corruption-layer", /needs acl\.upstream/, ["acl", "upstream"]],
    ["gateway", /needs a non-empty integrations\.providers/, ["integrations", "providers"]],
  ];
  for (const [type, needs, path] of cases) {
    it(`${type} without its section is an error at the service`, () => {
      const result = loadInline(lone(type));
      assert.equal(result.ok, false);
      const d = onlyDiagnostic(result, "missing-section");
      assert.equal(d.severity, "error");
      assert.match(d.message, needs);
      assert.deepEqual(d.path, ["services", 0, ...path]);
      assertAt(d, 4, 1);
    });
  }

  it("points at the section when it exists but is empty", () => {
    const d = onlyDiagnostic(
      loadInline(lone("consumer", "[services.consumer]\nevents = []\n")),
      "missing-section",
    );
    assertAt(d, 8, 10);
  });

  it("accepts a scheduled service with jobs only, and types that need nothing", () => {
    assert.ok(loadInline(lone("scheduled", '[services.jobs]\nnightly = { cron = "0 2 * * *" }\n')).ok);
    for (const type of ["stateless", "event-sourced", "producer", "websocket-gateway", "cache"]) {
      assert.ok(loadInline(lone(type)).ok, type);
    }
  });
});
