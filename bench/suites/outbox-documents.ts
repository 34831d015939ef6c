/**
 * `outbox-documents` (issue 4, item 7): what the transactional outbox costs a generated stateless
 * service. Each write is one document upsert; with the outbox it also enqueues one event in the same
 * transaction (`OutboxDocumentStore.put(doc, [event])`), against the plain document store's `put`.
 * SQLite file (WAL, synchronous FULL; one writer at a time) and PostgreSQL (fsync and
 * synchronous_commit on; `WRITERS` concurrent writers). Also the end to end on SQLite with the relay
 * running into the in-process bus: writes until every event was delivered. Bounded in count; about
 * 30 s on 2 cores.
 * @module
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createEvent } from "../../packages/core/src/messaging/event-envelope.ts";
import { InProcessEventBus } from "../../packages/core/src/messaging/in-process-event-bus.ts";
import { openTransactionalOutbox } from "../../packages/core/src/messaging/outbox/open-transactional-outbox.ts";
import { OutboxRelay } from "../../packages/core/src/messaging/outbox/outbox-relay.ts";
import { createLogger } from "../../packages/core/src/observability/logger.ts";
import type { DocumentStore } from "../../packages/core/src/persistence/document-store.ts";
import { openDocumentStore } from "../../packages/core/src/persistence/open-document-store.ts";
import { startPostgres } from "../../packages/core/src/testing/postgres-server.ts";
import { type BenchSuite, figureSheet } from "../suite.ts";

const SQLITE_WRITES = 2_000;
const POSTGRES_WRITES = 4_000;
const WRITERS = 16;

interface Product {
  id: string;
  name: string;
  price: number;
}

type Write = (product: Product) => Promise<void>;

/** Runs `count` writes with `writers` concurrent loops; answers writes per second. */
async function throughput(count: number, writers: number, write: Write): Promise<number> {
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: writers }, async () => {
      for (let i = next++; i < count; i = next++)
        await write({ id: `p-${i}`, name: `product ${i}`, price: i });
    }),
  );
  return count / ((performance.now() - started) / 1000);
}

const created = (product: Product) =>
  createEvent("ProductCreated", product, { source: "catalog", key: product.id });

/** Plain and outbox writes on the database `url` names (a fresh one each). */
async function compare(
  urls: () => Promise<string>,
  count: number,
  writers: number,
): Promise<{ plain: number; outbox: number }> {
  const store: DocumentStore<Product> = openDocumentStore<Product>({
    collection: "product",
    url: await urls(),
  });
  const plain = await throughput(count, writers, (p) => store.put(p));
  await store.close();
  const outbox = openTransactionalOutbox(await urls());
  const products = outbox.documents<Product>("product");
  const withEvent = await throughput(count, writers, (p) => products.put(p, [created(p)]));
  await outbox.close();
  return { plain, outbox: withEvent };
}

/** SQLite file with the relay running: writes/s until the last event reached the bus. */
async function endToEnd(url: string, count: number): Promise<number> {
  const logger = createLogger({ service: "bench", level: "silent" });
  const outbox = openTransactionalOutbox(url);
  const bus = new InProcessEventBus({ logger });
  let delivered = 0;
  let done!: () => void;
  const all = new Promise<void>((resolve) => {
    done = resolve;
  });
  bus.subscribe("ProductCreated", async () => {
    if (++delivered === count) done();
  });
  const relay = new OutboxRelay({ store: outbox.store, bus, logger, batchSize: 200 });
  relay.start();
  const products = outbox.documents<Product>("product");
  const started = performance.now();
  await throughput(count, 1, (p) => products.put(p, [created(p)]));
  await all;
  const perSecond = count / ((performance.now() - started) / 1000);
  await relay.stop();
  await bus.close();
  await outbox.close();
  return perSecond;
}

export const outboxDocumentsSuite: BenchSuite = {
  async run() {
    const { sheet, put } = figureSheet();
    const dir = await mkdtemp(join(tmpdir(), "bench-outbox-documents-"));
    let n = 0;
    const sqliteUrl = async () => `sqlite:${join(dir, `db-${++n}.sqlite`)}`;
    const postgres = await startPostgres({ durable: true });
    try {
      const sqlite = await compare(sqliteUrl, SQLITE_WRITES, 1);
      put("sqlite_plain_writes_per_s", sqlite.plain, "writes/s");
      put("sqlite_outbox_writes_per_s", sqlite.outbox, "writes/s");
      put("sqlite_outbox_vs_plain", sqlite.outbox / sqlite.plain, "ratio");
      put("sqlite_end_to_end_per_s", await endToEnd(await sqliteUrl(), SQLITE_WRITES), "events/s");
      const pg = await compare(() => postgres.createDatabase("documents"), POSTGRES_WRITES, WRITERS);
      put("postgres_plain_writes_per_s", pg.plain, "writes/s");
      put("postgres_outbox_writes_per_s", pg.outbox, "writes/s");
      put("postgres_outbox_vs_plain", pg.outbox / pg.plain, "ratio");
    } finally {
      await postgres.stop();
      await rm(dir, { recursive: true, force: true });
    }
    return sheet;
  },
};
