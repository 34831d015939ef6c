/**
 * The stores the `eventstore` suite drives, behind one small shape: AllFrame's `EventStore` on each
 * backend, and Emmett's in-memory, SQLite and PostgreSQL stores. Each adapter maps "how many events
 * the caller knows the stream holds" onto its store's optimistic-concurrency convention.
 * @module
 */
import {
  type EventStore as EmmettEventStore,
  getInMemoryEventStore,
  STREAM_DOES_NOT_EXIST,
} from "@event-driven-io/emmett";
import { getPostgreSQLEventStore } from "@event-driven-io/emmett-postgresql";
import { EventStore } from "../../../packages/core/src/cqrs/event-store.ts";
import { PostgresEventStoreBackend } from "../../../packages/core/src/cqrs/postgres-event-store-backend.ts";
import { SqliteEventStoreBackend } from "../../../packages/core/src/cqrs/sqlite-event-store-backend.ts";

/** The event every workload appends: a small order-line payload, made fresh per event. */
export interface BenchEvent {
  readonly type: "ItemAdded";
  readonly data: { readonly sku: string; readonly quantity: number; readonly unitPrice: number };
}

export function benchEvent(i: number): BenchEvent {
  return { type: "ItemAdded", data: { sku: `sku-${i % 1000}`, quantity: 1 + (i % 5), unitPrice: 9.99 } };
}

/** What the append workloads drive: a store under test, or a floor (see `floors.ts`). */
export interface BenchAppender {
  readonly name: string;
  /**
   * Appends `events` to `stream`; with `known` (the number of events the caller knows the stream
   * holds), only if the stream still holds exactly that many. Resolves with the store's own answer:
   * the adapters add no async step of their own, so the harness measures the store.
   */
  append(stream: string, events: BenchEvent[], known?: number): Promise<unknown>;
  close(): Promise<void>;
}

/** One store under test. */
export interface BenchStore extends BenchAppender {
  /** Reads the whole stream; resolves with the number of events read. */
  read(stream: string): Promise<number>;
}

function ours(name: string, store: EventStore<BenchEvent>): BenchStore {
  return {
    name,
    append(stream, events, known) {
      const expectedVersion = known === undefined ? "any" : known - 1;
      return store.append(stream, events, { expectedVersion });
    },
    async read(stream) {
      return (await store.readStream(stream)).length;
    },
    close: () => store.close(),
  };
}

/** AllFrame's store on its memory backend. */
export function oursInMemory(): BenchStore {
  return ours("allframe memory", new EventStore<BenchEvent>());
}

/**
 * AllFrame's store on a SQLite file: by default durable (`synchronous = full`, the store's default);
 * `"normal"` is safe against a process crash, but a power loss may drop the last commits.
 */
export function oursSqlite(path: string, synchronous: Synchronous = "full"): BenchStore {
  return ours(
    `allframe sqlite (${synchronous})`,
    new EventStore<BenchEvent>({ backend: new SqliteEventStoreBackend({ path, synchronous }) }),
  );
}

/** SQLite's `synchronous` settings the suite compares. */
export type Synchronous = "full" | "normal";

/** AllFrame's store on PostgreSQL, default pool (10 connections). */
export async function oursPostgres(url: string): Promise<BenchStore> {
  const backend = new PostgresEventStoreBackend({ url });
  await backend.migrate();
  return ours("allframe postgres", new EventStore<BenchEvent>({ backend }));
}

function emmett(name: string, store: EmmettEventStore, close: () => Promise<void>): BenchStore {
  return {
    name,
    append(stream, events, known) {
      const expectedStreamVersion =
        known === undefined ? undefined : known === 0 ? STREAM_DOES_NOT_EXIST : BigInt(known);
      return store.appendToStream(
        stream,
        events,
        expectedStreamVersion === undefined ? {} : { expectedStreamVersion },
      );
    },
    async read(stream) {
      return (await store.readStream(stream)).events.length;
    },
    close,
  };
}

/** Emmett's in-memory store. */
export function emmettInMemory(): BenchStore {
  return emmett("emmett memory", getInMemoryEventStore(), async () => {});
}

/**
 * Emmett's SQLite store on one file, given its fastest setup: one shared connection (its default
 * opens a connection per call on a file), with the same `synchronous` setting as ours (by default
 * FULL, so both fsync each commit).
 * @throws when the `sqlite3` native module cannot load.
 */
export async function emmettSqlite(path: string, synchronous: Synchronous = "full"): Promise<BenchStore> {
  const { getSQLiteEventStore, sqliteConnection } = await import("@event-driven-io/emmett-sqlite");
  const connection = sqliteConnection({ fileName: path });
  await connection.command(`PRAGMA synchronous = ${synchronous.toUpperCase()}`);
  const store = getSQLiteEventStore({
    fileName: path,
    schema: { autoMigration: "CreateOrUpdate" },
    connectionOptions: { singleton: true, connection },
  });
  return emmett(`emmett sqlite (${synchronous})`, store, async () => connection.close());
}

/** Emmett's PostgreSQL store, default pool (node-postgres' 10 connections). */
export async function emmettPostgres(url: string): Promise<BenchStore> {
  const store = getPostgreSQLEventStore(url, { schema: { autoMigration: "CreateOrUpdate" } });
  await store.schema.migrate();
  return emmett("emmett postgres", store, () => store.close());
}
