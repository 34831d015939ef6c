import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { hasErrorCode } from "../../errors/allframe-error.ts";
import { createLogger } from "../../observability/logger.ts";
import { type PostgresServer, startPostgres } from "../../testing/postgres-server.ts";
import { createEvent } from "../event-envelope.ts";
import { InProcessEventBus } from "../in-process-event-bus.ts";
import { Consumer } from "./consumer.ts";
import { runDeadLetterQueueContract } from "./dead-letter-queue.contract.ts";
import type { DeadLetter } from "./dead-letter-queue.ts";
import { type OpenedDeadLetterQueue, openDeadLetterQueue } from "./open-dead-letter-queue.ts";

const dir = mkdtempSync(join(tmpdir(), "allframe-dlq-"));
let server: PostgresServer;
const opened: OpenedDeadLetterQueue[] = [];
before(async () => {
  server = await startPostgres();
});
after(async () => {
  await Promise.all(opened.map((queue) => queue.close()));
  await server.stop();
  rmSync(dir, { recursive: true, force: true });
});

let n = 0;
const fresh = () => `sqlite:${join(dir, `contract-${++n}.db`)}`;
/** Opens a queue that the file's `after` closes. */
function open(url: string | undefined, consumer?: string): OpenedDeadLetterQueue {
  const queue = openDeadLetterQueue(url, consumer === undefined ? {} : { consumer });
  opened.push(queue);
  return queue;
}

// The contract's entries are all consumer "billing"'s.
runDeadLetterQueueContract("openDeadLetterQueue memory:", () => open("memory:", "billing"));
runDeadLetterQueueContract("openDeadLetterQueue sqlite file", () => open(fresh()));
runDeadLetterQueueContract("openDeadLetterQueue sqlite file, limited to billing", () =>
  open(fresh(), "billing"),
);
runDeadLetterQueueContract("openDeadLetterQueue postgres, limited to billing", async () =>
  open(await server.createDatabase("dlq"), "billing"),
);

function letter(id: string, consumer: string): DeadLetter {
  return {
    id,
    event: {
      id: `evt-${id}`,
      type: "OrderCreated",
      source: "orders",
      time: "2025-01-01T00:00:00.000Z",
      data: { orderId: id },
      key: id,
      headers: {},
    },
    error: { name: "Error", message: "smtp down" },
    attempts: 4,
    consumer,
    deadLetteredAt: "2025-01-01T00:00:00.000Z",
  };
}

describe("openDeadLetterQueue", () => {
  it("keeps a dead letter across reopening the SQLite file", async () => {
    const url = `sqlite:${join(dir, "nested", "notifications.sqlite")}`;
    const first = openDeadLetterQueue(url, { consumer: "notifications" });
    assert.equal(first.kind, "sqlite");
    await first.add(letter("d-1", "notifications"));
    await first.close();
    const second = open(url, "notifications");
    assert.deepEqual(await second.list(), [letter("d-1", "notifications")]);
  });

  it("a consumer's dead letter parked in SQLite is redriven after a restart", async () => {
    const url = `sqlite:${join(dir, "restart.sqlite")}`;
    const logger = createLogger({ service: "test", level: "silent" });
    /** One run of consumer "mailer" on the file's queue: `act`, then stop everything and list what is parked. */
    const session = async (
      healthy: boolean,
      act: (bus: InProcessEventBus, consumer: Consumer) => Promise<void>,
    ) => {
      const dlq = openDeadLetterQueue(url, { consumer: "mailer" });
      const bus = new InProcessEventBus({ logger });
      const handled: string[] = [];
      const consumer = new Consumer(
        bus,
        { name: "mailer", events: ["OrderCreated"], maxRetries: 0, deadLetterQueue: dlq, logger },
        async (event) => {
          if (!healthy) throw new Error("smtp down");
          handled.push(event.id);
        },
      );
      await consumer.start();
      await act(bus, consumer);
      await bus.close();
      await consumer.stop();
      const parked = await dlq.list();
      await dlq.close();
      return { parked, handled };
    };
    const event = createEvent("OrderCreated", { orderId: "o-1" }, { source: "orders", key: "o-1" });
    const first = await session(false, (bus) => bus.publish(event));
    assert.equal(first.parked.length, 1);
    const [parked] = first.parked;
    assert.deepEqual(parked?.event, event);
    assert.deepEqual(parked?.error, { name: "Error", message: "smtp down" });
    assert.equal(parked?.consumer, "mailer");
    const second = await session(true, (_bus, consumer) => consumer.redrive(parked?.id ?? ""));
    assert.deepEqual(second.handled, [event.id]);
    assert.deepEqual(second.parked, []);
  });

  it("keeps consumers sharing a database apart; unlimited, it lists every entry", async () => {
    const url = fresh();
    const [mailer, billing, all] = [open(url, "mailer"), open(url, "billing"), open(url)];
    await mailer.add(letter("m-1", "mailer"));
    await billing.add(letter("b-1", "billing"));
    assert.deepEqual(
      (await mailer.list()).map((d) => d.id),
      ["m-1"],
    );
    assert.equal(await mailer.size(), 1);
    assert.equal(await mailer.remove("b-1"), undefined);
    assert.deepEqual(
      (await all.list()).map((d) => d.id),
      ["m-1", "b-1"],
    );
    await assert.rejects(mailer.add(letter("x-1", "billing")), (e) => hasErrorCode(e, "validation"));
    await assert.rejects(open("memory:", "mailer").add(letter("x-1", "billing")), (e) =>
      hasErrorCode(e, "validation"),
    );
    await assert.rejects(billing.add(letter("m-1", "billing")), (e) => hasErrorCode(e, "conflict"));
  });

  it("fails with unavailable after close, and close is idempotent", async () => {
    for (const url of ["memory:", fresh(), await server.createDatabase("dlq")]) {
      const queue = openDeadLetterQueue(url);
      await queue.size();
      await queue.close();
      await queue.close();
      await assert.rejects(queue.list(), (e) => hasErrorCode(e, "unavailable"), url);
    }
  });

  it("reports a bad URL as a configuration error naming the variable, not the URL", () => {
    assert.throws(
      () => openDeadLetterQueue("amqp://u:hunter2@mq", { envVar: "DLQ_URL" }),
      (e) =>
        hasErrorCode(e, "configuration") &&
        /^DLQ_URL has scheme "amqp:"/.test(e.message) &&
        !e.message.includes("hunter2"),
    );
    assert.throws(
      () => openDeadLetterQueue("file:"),
      (e) => hasErrorCode(e, "configuration"),
    );
  });
});
