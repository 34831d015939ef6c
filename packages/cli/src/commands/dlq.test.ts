import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import {
  Consumer,
  createEvent,
  createLogger,
  createServiceHost,
  InMemoryDeadLetterQueue,
  InProcessEventBus,
  type ServiceHost,
} from "@allframe/core";
import type { CliIo } from "../io.ts";
import { main } from "../main.ts";

function captureIo(): CliIo & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return {
    out: (l) => stdout.push(l),
    err: (l) => stderr.push(l),
    env: {},
    cwd: process.cwd(),
    stdout,
    stderr,
  };
}

/** A consumer service wired like the consumer archetype's generated one: same routes, real HTTP. */
async function startConsumerService(): Promise<{
  host: ServiceHost;
  url: string;
  dlq: InMemoryDeadLetterQueue;
  bus: InProcessEventBus;
  healed: { value: boolean };
}> {
  const logger = createLogger({ service: "notifier", level: "silent" });
  const host = createServiceHost({ name: "notifier", port: 0, logger });
  const bus = new InProcessEventBus();
  const dlq = new InMemoryDeadLetterQueue();
  const healed = { value: false };
  let ids = 0;
  const consumer = new Consumer(
    bus,
    {
      name: "notifier",
      events: ["OrderPlaced"],
      maxRetries: 1,
      deadLetterQueue: dlq,
      logger,
      sleep: async () => {},
      ids: () => `dl-${++ids}`,
    },
    async (event) => {
      if ((event.data as { poison?: boolean }).poison && !healed.value)
        throw new TypeError("cannot read property 'email' of undefined");
    },
  );
  host.onStart("consumer", () => consumer.start());
  host.onShutdown("consumer", () => consumer.stop(), "drain");
  host.app.get("/dlq", async (c) => c.json({ items: await dlq.list() }));
  host.app.post("/dlq/:id/redrive", async (c) => {
    await consumer.redrive(c.req.param("id"));
    return c.json({ redriven: c.req.param("id") });
  });
  const { url } = await host.start();
  return { host, url, dlq, bus, healed };
}

describe("allframe dlq against a running consumer service", () => {
  let service: Awaited<ReturnType<typeof startConsumerService>>;
  before(async () => {
    service = await startConsumerService();
    await service.bus.publish(createEvent("OrderPlaced", { orderId: "o-1" }, { source: "orders" }));
    await service.bus.publish(
      createEvent("OrderPlaced", { orderId: "o-2", poison: true }, { source: "orders" }),
    );
    for (let i = 0; i < 200 && (await service.dlq.size()) === 0; i += 1)
      await new Promise((r) => setTimeout(r, 5));
  });
  after(async () => {
    await service.host.stop();
  });

  it("lists the poisoned event as a table: id, event type, attempts, error, time", async () => {
    const io = captureIo();
    assert.equal(await main(["dlq", "list", "--url", service.url], io), 0);
    const [header, row, summary] = io.stdout.join("\n").split("\n");
    assert.match(header ?? "", /^ID\s+EVENT TYPE\s+ATTEMPTS\s+ERROR\s+DEAD-LETTERED AT$/);
    assert.match(
      row ?? "",
      /^dl-1\s+OrderPlaced\s+2\s+TypeError: cannot read property 'email' of undefined\s+\d{4}-\d\d-\d\dT/,
    );
    assert.equal(summary, "1 dead letter");
  });

  it("prints the entries as JSON with --json", async () => {
    const io = captureIo();
    assert.equal(await main(["dlq", "list", "--json", "--url", service.url], io), 0);
    const items = JSON.parse(io.stdout.join("\n")) as Array<{ id: string; event: { data: unknown } }>;
    assert.deepEqual(
      items.map((d) => [d.id, d.event.data]),
      [["dl-1", { orderId: "o-2", poison: true }]],
    );
  });

  it("exits 1 when the redriven handler fails again, and keeps the entry", async () => {
    const io = captureIo();
    assert.equal(await main(["dlq", "redrive", "dl-1", "--url", service.url], io), 1);
    assert.match(io.stderr.join("\n"), /answered 500/);
    assert.equal(await service.dlq.size(), 1);
  });

  it("exits 1 for an unknown id, with the service's not-found message", async () => {
    const io = captureIo();
    assert.equal(await main(["dlq", "redrive", "dl-404", "--url", service.url], io), 1);
    assert.match(io.stderr.join("\n"), /answered 404 \(not-found: dead letter dl-404 does not exist\)/);
  });

  it("redrives once the handler is fixed, leaving the queue empty", async () => {
    service.healed.value = true;
    const io = captureIo();
    assert.equal(await main(["dlq", "redrive", "dl-1", "--url", service.url], io), 0);
    assert.match(io.stdout.join("\n"), /^Redriven dl-1/);
    const list = captureIo();
    assert.equal(await main(["dlq", "list", "--url", service.url], list), 0);
    assert.equal(list.stdout.join("\n"), `No dead letters at ${new URL(service.url).origin}.`);
  });
});

describe("allframe dlq usage and unreachable services", () => {
  it("exits 2 without --url, an action, an id, or with a bad URL", async () => {
    for (const argv of [
      ["dlq", "list"],
      ["dlq"],
      ["dlq", "purge", "--url", "http://x"],
      ["dlq", "redrive", "--url", "http://x"],
      ["dlq", "list", "--url", "ftp://x"],
      ["dlq", "list", "extra", "--url", "http://x"],
    ]) {
      const io = captureIo();
      assert.equal(await main(argv, io), 2, argv.join(" "));
      assert.match(io.stderr.join("\n"), /Run "allframe --help" for usage/);
    }
  });

  it("exits 1 when nothing listens at the URL, and hints when the service has no /dlq route", async () => {
    const io = captureIo();
    assert.equal(await main(["dlq", "list", "--url", "http://127.0.0.1:9"], io), 1);
    assert.match(io.stderr.join("\n"), /cannot reach http:\/\/127\.0\.0\.1:9/);
    const host = createServiceHost({
      name: "plain",
      port: 0,
      logger: createLogger({ service: "plain", level: "silent" }),
    });
    const { url } = await host.start();
    try {
      const plain = captureIo();
      assert.equal(await main(["dlq", "list", "--url", url], plain), 1);
      assert.match(plain.stderr.join("\n"), /answered 404/);
    } finally {
      await host.stop();
    }
  });
});
