import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { loadInline } from "../../config/test-support.ts";
import { generateWorkspace } from "../../ignite/generate.ts";
import { contractBroker, contractPairs, contractTestingEnabled } from "./contract-pairs.ts";

function pairsOf(text: string): { enabled: boolean; pairs: string[] } {
  const loaded = loadInline(text);
  assert.ok(loaded.ok, JSON.stringify(loaded.diagnostics, null, 2));
  const { services } = generateWorkspace(loaded.architecture, "/out");
  return {
    enabled: contractTestingEnabled(loaded.architecture),
    pairs: contractPairs(loaded.architecture, services).map(
      (p) => `${p.consumer.service.name} -> ${p.provider.service.name}`,
    ),
  };
}

const SERVICES = `
[[services]]
name = "orders"
type = "stateless"
[[services]]
name = "users"
type = "stateless"
[[services]]
name = "web"
type = "bff"
[services.bff]
aggregates = ["users", "ghost", "orders", "users"]
[[services]]
name = "mobile"
type = "bff"
[services.bff]
aggregates = ["orders"]
`;

describe("contractPairs", () => {
  it("pairs each BFF with its defined aggregates in order, once, skipping undefined ones", () => {
    const { enabled, pairs } = pairsOf(`[architecture]\nname = "shop"\n${SERVICES}`);
    assert.equal(enabled, true);
    assert.deepEqual(pairs, ["web -> users", "web -> orders", "mobile -> orders"]);
  });

  it("is empty when [testing].contract_testing = false", () => {
    const { enabled, pairs } = pairsOf(
      `[architecture]\nname = "shop"\n[testing]\ncontract_testing = false\n${SERVICES}`,
    );
    assert.equal(enabled, false);
    assert.deepEqual(pairs, []);
  });

  it("names the broker only when [testing].contract_broker is pactflow or pact-broker", () => {
    const broker = (testing: string) => {
      const loaded = loadInline(`[architecture]\nname = "shop"\n${testing}\n${SERVICES}`);
      assert.ok(loaded.ok);
      return contractBroker(loaded.architecture);
    };
    assert.equal(broker(""), undefined);
    assert.equal(broker('[testing]\ncontract_broker = "none"'), undefined);
    assert.equal(broker('[testing]\ncontract_broker = "pactflow"'), "pactflow");
    assert.equal(broker('[testing]\ncontract_broker = "pact-broker"'), "pact-broker");
  });
});
