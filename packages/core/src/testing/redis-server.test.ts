import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { describe, it } from "node:test";
import { createClient } from "redis";
import { startRedis } from "./redis-server.ts";

describe("startRedis", () => {
  it("starts a server on loopback that answers commands, and stop() ends it", async () => {
    const server = await startRedis();
    assert.match(server.url, /^redis:\/\/127\.0\.0\.1:\d+$/);
    const client = createClient({ url: server.url });
    await client.connect();
    await client.set("k", "v");
    assert.equal(await client.get("k"), "v");
    assert.deepEqual(await client.configGet("save"), { save: "" });
    const dir = (await client.configGet("dir")).dir ?? "";
    assert.ok(existsSync(dir));
    await client.close();
    await server.stop();
    await server.stop();
    assert.ok(!existsSync(dir), "its data folder is deleted");
    const late = createClient({ url: server.url, socket: { reconnectStrategy: false } });
    late.on("error", () => undefined);
    await assert.rejects(late.connect());
  });
});
