import assert from "node:assert/strict";
import { after, describe, test } from "node:test";
import { generateKeyPair, SignJWT } from "jose";
import { ManualClock } from "../runtime/clock.ts";
import { createJwtVerifier } from "../security/jwt/jwt-verifier.ts";
import { closeAll, connect, refused, startHub, subscribed } from "./hub.fixture.ts";
import { jwtAuthorize } from "./jwt-authorize.ts";

after(closeAll);

const SECRET = "a-development-secret-of-32-bytes!";
const T0 = Date.UTC(2025, 0, 1);

/** An HS256 token for `sub`, issued at T0 and expiring `ttlSeconds` later. */
function token(sub: string | undefined, ttlSeconds = 3600, secret = SECRET): Promise<string> {
  const jwt = new SignJWT({})
    .setProtectedHeader({ alg: "HS256" })
    .setIssuedAt(T0 / 1000)
    .setExpirationTime(T0 / 1000 + ttlSeconds);
  if (sub !== undefined) jwt.setSubject(sub);
  return jwt.sign(new TextEncoder().encode(secret));
}

async function jwtHub() {
  const clock = new ManualClock(T0);
  const verifier = createJwtVerifier({ secret: SECRET, algorithms: ["HS256"], clock });
  return { clock, ...(await startHub({ clock, authorize: jwtAuthorize(verifier) })) };
}

const bearer = (t: string) => ({ authorization: `Bearer ${t}` });

describe("jwtAuthorize on a WebSocketHub", () => {
  test("refuses the upgrade with 401, saying why, without a valid token", async () => {
    const { hub, base } = await jwtHub();
    const missing = await refused(`${base}/ws`);
    assert.equal(missing.status, 401);
    assert.match(missing.body, /^Unauthorized: missing token: send Authorization: Bearer <token>/);
    assert.match(missing.challenge ?? "", /^Bearer error="invalid_token", error_description="missing token/);
    assert.match(
      (await refused(`${base}/ws`, { authorization: "Basic dTpw" })).body,
      /malformed Authorization/,
    );
    const forged = await refused(
      `${base}/ws`,
      bearer(await token("alice", 3600, "another-secret-of-at-least-32-bytes")),
    );
    assert.deepEqual(
      [forged.status, forged.body],
      [401, "Unauthorized: bearer token rejected: bad signature"],
    );
    const expired = await refused(`${base}/ws?token=${await token("alice", -1)}`);
    assert.deepEqual(
      [expired.status, expired.body],
      [401, "Unauthorized: bearer token rejected: token expired"],
    );
    const anonymous = await refused(`${base}/ws`, bearer(await token(undefined)));
    assert.match(anonymous.body, /it has no sub claim naming the user/);
    assert.equal(hub.connectionCount, 0);
  });

  test("accepts a token from the Authorization header or the token query parameter; sub is the user", async () => {
    const { hub, base } = await jwtHub();
    await connect(`${base}/ws`, { headers: bearer(await token("alice")) });
    await connect(`${base}/ws?token=${await token("bob")}`);
    assert.deepEqual(
      (await hub.presence()).map((p) => p.userId),
      ["alice", "bob"],
    );
  });

  test("answers 503 when the JWKS cannot be fetched", async () => {
    const verifier = createJwtVerifier({ jwksUrl: "http://127.0.0.1:1/jwks.json", algorithms: ["RS256"] });
    const { base } = await startHub({ authorize: jwtAuthorize(verifier) });
    const { privateKey } = await generateKeyPair("RS256");
    const rs256 = await new SignJWT({ sub: "alice" }).setProtectedHeader({ alg: "RS256" }).sign(privateKey);
    const answer = await refused(`${base}/ws?token=${rs256}`);
    assert.deepEqual(answer, { status: 503, body: "Service Unavailable" });
  });

  test("an event naming a user goes to that user's subscribed connections only", async () => {
    const { hub, base } = await jwtHub();
    const alice = await subscribed(`${base}/ws?token=${await token("alice")}`, ["OrderStatusChanged"]);
    const bob = await subscribed(`${base}/ws?token=${await token("bob")}`, ["*"]);
    await subscribed(`${base}/ws?token=${await token("bob")}`, ["InventoryUpdated"]);
    assert.equal(hub.publish("OrderStatusChanged", { orderId: "o-1" }, { userId: "bob" }), 1);
    assert.equal(hub.publish("OrderStatusChanged", { orderId: "o-2" }, { userId: "carol" }), 0);
    assert.equal(hub.publish("OrderStatusChanged", { orderId: "o-3" }), 2);
    assert.deepEqual(await bob.next(), {
      type: "event",
      event: "OrderStatusChanged",
      payload: { orderId: "o-1" },
    });
    assert.deepEqual(await bob.next(), {
      type: "event",
      event: "OrderStatusChanged",
      payload: { orderId: "o-3" },
    });
    assert.deepEqual(
      await alice.next(),
      { type: "event", event: "OrderStatusChanged", payload: { orderId: "o-3" } },
      "alice never saw bob's event",
    );
  });

  test("closes a connection with 1008 when its token expires, not before", async (t) => {
    t.mock.timers.enable({ apis: ["setTimeout"] });
    const { hub, base, clock } = await jwtHub();
    const client = await subscribed(`${base}/ws?token=${await token("alice", 60)}`, ["Tick"]);
    clock.advance(59_999);
    t.mock.timers.tick(59_999);
    client.sendJson({ type: "subscribe", events: ["Tock"] });
    assert.deepEqual(await client.next(), { type: "subscribed", events: ["Tick", "Tock"] });
    assert.equal(hub.connectionCount, 1);

    clock.advance(1);
    t.mock.timers.tick(1);
    assert.equal(hub.connectionCount, 0, "forgotten at once: no event reaches it after expiry");
    assert.equal(hub.publish("Tick", {}), 0);
    assert.deepEqual(await client.closed, { code: 1008, reason: "token expired" });
    assert.deepEqual(await hub.presence(), []);
  });
});
