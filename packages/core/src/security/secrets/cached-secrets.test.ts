import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { AllFrameError, hasErrorCode } from "../../errors/allframe-error.ts";
import { ManualClock } from "../../runtime/clock.ts";
import { type Sensitive, sensitive } from "../sensitive/sensitive.ts";
import { cachedSecrets } from "./cached-secrets.ts";
import type { SecretsProvider } from "./secrets-provider.ts";

function countingProvider(fail = false) {
  const calls: string[] = [];
  let version = 0;
  const provider: SecretsProvider = {
    kind: "counting",
    async get(name): Promise<Sensitive<string>> {
      calls.push(name);
      if (fail) throw new AllFrameError("unavailable", "store down");
      return sensitive(`${name}-v${++version}`);
    },
  };
  return { provider, calls };
}

describe("cachedSecrets", () => {
  it("reuses a secret for ttlMs, then fetches it again", async () => {
    const clock = new ManualClock(0);
    const { provider, calls } = countingProvider();
    const secrets = cachedSecrets(provider, { ttlMs: 60_000, clock });
    assert.equal((await secrets.get("db")).expose(), "db-v1");
    clock.advance(59_999);
    assert.equal((await secrets.get("db")).expose(), "db-v1");
    clock.advance(1);
    assert.equal((await secrets.get("db")).expose(), "db-v2");
    assert.deepEqual(calls, ["db", "db"]);
    assert.equal(secrets.kind, "counting");
  });

  it("shares one fetch between concurrent first reads", async () => {
    const { provider, calls } = countingProvider();
    const secrets = cachedSecrets(provider, { ttlMs: 1_000, clock: new ManualClock(0) });
    const [a, b] = await Promise.all([secrets.get("db"), secrets.get("db")]);
    assert.equal(a.expose(), b.expose());
    assert.equal(calls.length, 1);
  });

  it("does not cache failures", async () => {
    const { provider, calls } = countingProvider(true);
    const secrets = cachedSecrets(provider, { ttlMs: 1_000, clock: new ManualClock(0) });
    await assert.rejects(secrets.get("db"), (e) => hasErrorCode(e, "unavailable"));
    await assert.rejects(secrets.get("db"), (e) => hasErrorCode(e, "unavailable"));
    assert.equal(calls.length, 2);
  });
});
