import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { DEV_JWT_SECRET } from "@allframe/forge";
import { devEnv } from "./dev.ts";

describe("allframe dev environment", () => {
  it("gives services the development JWT secret when no JWT key is set, and says so", () => {
    const { env, notes } = devEnv({ PATH: "/bin", JWT_SECRET: " " });
    assert.equal(env.JWT_SECRET, DEV_JWT_SECRET);
    assert.equal(env.PATH, "/bin");
    assert.equal(notes.length, 1);
    assert.match(notes[0] ?? "", /JWT_SECRET and JWT_JWKS_URL unset/);
    assert.ok(DEV_JWT_SECRET.length >= 32, "HS256 wants a secret of at least 32 bytes");
  });

  it("keeps the user's JWT key (a secret, or a JWKS URL) and adds nothing", () => {
    for (const key of [{ JWT_SECRET: "s".repeat(32) }, { JWT_JWKS_URL: "https://idp.example/jwks" }]) {
      const { env, notes } = devEnv(key);
      assert.deepEqual(env, key);
      assert.deepEqual(notes, []);
    }
  });
});
