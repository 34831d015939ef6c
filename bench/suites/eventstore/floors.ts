/**
 * Floors for the `eventstore` suite's absolute targets: the least work any store of the same kind
 * does per append, run by the same workloads on this machine, so each figure can be read against
 * what the machine allows. A floor checks nothing (no validation, no expected version, no retry by
 * event id) and hands back nothing it need not; a real store cannot be faster than its floor.
 * @module
 */
import { DatabaseSync } from "node:sqlite";
import type { EncodedDraft } from "../../../packages/core/src/cqrs/draft-encoding.ts";
import type { RecordedEvent } from "../../../packages/core/src/cqrs/event.ts";
import { IsoNow } from "../../../packages/core/src/cqrs/event-drafts.ts";
import { EMPTY_JSON_OBJECT, frozenJsonCopy } from "../../../packages/core/src/cqrs/frozen-json-copy.ts";
import { SqliteEventInserts } from "../../../packages/core/src/cqrs/sqlite-event-inserts.ts";
import { applySqliteMigrations } from "../../../packages/core/src/cqrs/sqlite-migrations.ts";
import { SQL, SQLITE_EVENT_STORE_MIGRATIONS } from "../../../packages/core/src/cqrs/sqlite-schema.ts";
import { systemClock } from "../../../packages/core/src/runtime/clock.ts";
import { uuidV7 } from "../../../packages/core/src/runtime/uuid-v7.ts";
import type { BenchAppender, Synchronous } from "./stores.ts";

/** A stream as the memory floor keeps it: its id string (shared by its events) and last version. */
interface FloorStream {
  readonly id: string;
  version: number;
}

/**
 * The floor of an in-memory append, as the memory backend keeps events: per event a UUIDv7 id, a
 * frozen copy of its data made as a JSON round trip would make it (`frozenJsonCopy`), and a frozen
 * envelope kept in one log array; per append one stream lookup and one resolved promise. Events of a
 * stream share one stream id string, as in the backend.
 */
export function memoryFloor(): BenchAppender {
  const log: RecordedEvent[] = [];
  const streams = new Map<string, FloorStream>();
  const now = new IsoNow(systemClock);
  return {
    name: "floor memory (ids, frozen copies, kept; no checks)",
    append(streamId, events) {
      const recordedAt = now.now();
      let stream = streams.get(streamId);
      if (stream === undefined) {
        stream = { id: streamId, version: -1 };
        streams.set(streamId, stream);
      }
      const recorded = new Array<RecordedEvent>(events.length);
      for (let i = 0; i < events.length; i++) {
        const event = events[i] as (typeof events)[number];
        const stored: RecordedEvent = Object.freeze({
          id: uuidV7(now.lastMs),
          streamId: stream.id,
          version: ++stream.version,
          position: log.length + 1,
          type: event.type,
          schemaVersion: 1,
          data: frozenJsonCopy(event.data),
          metadata: EMPTY_JSON_OBJECT,
          recordedAt,
        });
        recorded[i] = stored;
        log.push(stored);
      }
      return Promise.resolve(recorded);
    },
    async close() {},
  };
}

/**
 * The floor of a SQLite batch append into a new stream: the store's own tables (its migrations), its
 * pragmas (`journal_mode = WAL`, the given `synchronous`) and its multi-row inserts
 * (`SqliteEventInserts`); per append one transaction that adds the stream row and the events, each
 * event given a UUIDv7 id and its data encoded as JSON. No version check, no copies handed back.
 * Appends reject with the driver's unique-constraint error when the stream already exists (the batch
 * workload appends each batch to a new stream).
 * @throws the driver's error when the file cannot be opened or migrated (the file is closed first).
 */
export function sqliteFloor(path: string, synchronous: Synchronous): BenchAppender {
  const db = new DatabaseSync(path);
  try {
    db.exec(`PRAGMA journal_mode = WAL; PRAGMA synchronous = ${synchronous}`);
    applySqliteMigrations(db, "event-store", SQLITE_EVENT_STORE_MIGRATIONS);
  } catch (error) {
    db.close();
    throw error;
  }
  const inserts = new SqliteEventInserts(db);
  const newStream = db.prepare(SQL.newStream);
  const now = new IsoNow(systemClock);
  let position = 0;
  return {
    name: `floor sqlite (${synchronous}; encode, insert, commit; no checks)`,
    append(stream, events) {
      try {
        const recordedAt = now.now();
        const encoded = events.map(
          (event): EncodedDraft => ({
            id: uuidV7(now.lastMs),
            type: event.type,
            schemaVersion: 1,
            dataJson: JSON.stringify(event.data),
            metadataJson: "{}",
            recordedAt,
            data: event.data,
            metadata: EMPTY_JSON_OBJECT,
          }),
        );
        db.exec("BEGIN IMMEDIATE");
        try {
          const { stream_key } = newStream.get(stream, events.length - 1) as { stream_key: number };
          inserts.insert(stream_key, 0, position + 1, encoded);
          db.exec("COMMIT");
        } catch (error) {
          // SQLite may have rolled back already (SQLITE_FULL, SQLITE_IOERR).
          if (db.isTransaction) db.exec("ROLLBACK");
          throw error;
        }
        position += events.length;
        return Promise.resolve(events.length);
      } catch (error) {
        return Promise.reject(error);
      }
    },
    async close() {
      db.close();
    },
  };
}
