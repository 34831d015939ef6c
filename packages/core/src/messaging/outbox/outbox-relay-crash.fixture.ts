/**
 * The child process of `outbox-relay-crash.test.ts`: runs an outbox relay whose bus hands each event
 * to an inbox consumer (one effect row per message) and appends `published <id>` to a log; the store
 * appends `marked <ids>` after each markPublished. After `--crash-after` publishes it prints
 * `CRASH-POINT` inside the next publish and waits there, so the parent SIGKILLs it mid-batch.
 *
 * Usage: node outbox-relay-crash.fixture.ts --store <url> --log <file> --crash-after <n> [--batch <n>]
 * @module
 */
import { appendFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { createLogger } from "../../observability/logger.ts";
import type { EventBus } from "../event-bus.ts";
import { openEngines } from "./outbox-engines.fixture.ts";
import { OutboxRelay } from "./outbox-relay.ts";
import { consumerBus } from "./outbox-relay-crash.shared.ts";

const { values } = parseArgs({
  options: {
    store: { type: "string" },
    log: { type: "string" },
    "crash-after": { type: "string" },
    batch: { type: "string", default: "10" },
  },
});
const { store: url, log } = values;
const crashAfter = Number(values["crash-after"]);
if (url === undefined || log === undefined || !Number.isInteger(crashAfter)) {
  process.stderr.write("--store, --log and --crash-after are required\n");
  process.exit(2);
}

const { store, inbox } = openEngines(url);
const markPublished = store.markPublished.bind(store);
store.markPublished = async (ids) => {
  await markPublished(ids);
  appendFileSync(log, `marked ${ids.join(" ")}\n`);
};
let published = 0;
const deliver = consumerBus(inbox, log);
const bus: EventBus = {
  ...deliver,
  async publish(event) {
    if (published === crashAfter) {
      process.stdout.write("CRASH-POINT\n");
      setInterval(() => {}, 60_000);
      await new Promise<never>(() => {});
    }
    await deliver.publish(event);
    published++;
  },
};
// One key per message group keeps the batch's publishes sequential, so the crash point is exact.
const relay = new OutboxRelay({
  store,
  bus,
  batchSize: Number(values.batch),
  leaseMs: 60_000,
  pollIntervalMs: 50,
  logger: createLogger({ service: "crash-child", level: "silent" }),
});
relay.start();
