import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { jetstreamManager } from "@nats-io/jetstream";
import { connect, createInbox, headers, type NatsConnection } from "@nats-io/transport-node";
import { hasErrorCode } from "../../errors/allframe-error.ts";
import { type NatsServer, startNats } from "../../testing/nats-server.ts";
import { JetStreamPublisher } from "./jetstream-publisher.ts";

let server: NatsServer;
let nc: NatsConnection;
const STREAM = `PUB${process.pid}`;

before(async () => {
  server = await startNats();
  nc = await connect({ servers: new URL(server.url).host });
  const jsm = await jetstreamManager(nc);
  await jsm.streams.add({ name: STREAM, subjects: [`${STREAM}.>`], max_msg_size: 64 });
});
after(async () => {
  await nc?.close();
  await server?.stop();
});

describe("JetStreamPublisher", () => {
  it("resolves once the stream stored the message, which the stream then holds in publish order", async () => {
    const publisher = new JetStreamPublisher(nc, createInbox());
    await Promise.all(["1", "2", "3"].map((n) => publisher.publish(`${STREAM}.a`, n, headers(), 5000)));
    const jsm = await jetstreamManager(nc);
    const stored = await Promise.all([1, 2, 3].map((seq) => jsm.streams.getMessage(STREAM, { seq })));
    assert.deepEqual(
      stored.map((m) => m?.string()),
      ["1", "2", "3"],
    );
    publisher.close();
  });

  it("fails with unavailable when no stream captures the subject or the stream refuses the message", async () => {
    const publisher = new JetStreamPublisher(nc, createInbox());
    await assert.rejects(publisher.publish("NOSTREAM.a", "x", headers(), 5000), (e) =>
      hasErrorCode(e, "unavailable"),
    );
    await assert.rejects(
      publisher.publish(`${STREAM}.a`, "x".repeat(100), headers(), 5000),
      (e) => hasErrorCode(e, "unavailable") && /refused/.test(e.message),
    );
    publisher.close();
  });

  it("fails with timeout when nothing acknowledges, and close() fails what still waits", async () => {
    const silent = nc.subscribe("SILENT.>", { callback: () => undefined });
    const publisher = new JetStreamPublisher(nc, createInbox());
    await assert.rejects(publisher.publish("SILENT.a", "x", headers(), 1), (e) => hasErrorCode(e, "timeout"));
    const waiting = publisher.publish("SILENT.b", "x", headers(), 60_000);
    publisher.close();
    await assert.rejects(waiting, (e) => hasErrorCode(e, "unavailable") && /closed/.test(e.message));
    await assert.rejects(publisher.publish(`${STREAM}.a`, "x", headers(), 5000), (e) =>
      hasErrorCode(e, "unavailable"),
    );
    silent.unsubscribe();
  });
});
