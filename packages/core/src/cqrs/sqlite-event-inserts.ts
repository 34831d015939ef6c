/**
 * The SQLite backend's event inserts: a batch goes in with few multi-row statements, bound from the
 * encoded drafts without building a row object per event.
 * @module
 */
import type { DatabaseSync, SQLInputValue, StatementSync } from "node:sqlite";
import type { EncodedDraft } from "./draft-encoding.ts";

const COLUMNS = 9;
const ROW = `(${new Array(COLUMNS).fill("?").join(", ")})`;

/**
 * How many rows the next statement of a batch takes when `left` rows remain: 128, 32, 8 or 1, so a
 * batch of any size runs few statements (1,000 events: 11) from four cached ones. The driver costs a
 * native call per statement, not per row; 128 rows stay far below SQLite's 32,766 parameters.
 */
function chunk(left: number): number {
  return left >= 128 ? 128 : left >= 32 ? 32 : left >= 8 ? 8 : 1;
}

/** Prepares (once per row count) and runs the inserts of one connection. */
export class SqliteEventInserts {
  readonly #db: DatabaseSync;
  readonly #statements = new Map<number, StatementSync>();

  constructor(db: DatabaseSync) {
    this.#db = db;
  }

  /**
   * Inserts `encoded` into the stream keyed `streamKey` (`allframe_streams.stream_key`) at versions
   * `firstVersion`… and positions `firstPosition`… (explicit, so the rowid continues the log). Call
   * inside the append's transaction.
   * @throws the driver's error, e.g. on a unique constraint.
   */
  insert(
    streamKey: number,
    firstVersion: number,
    firstPosition: number,
    encoded: readonly EncodedDraft[],
  ): void {
    for (let done = 0; done < encoded.length; ) {
      const rows = chunk(encoded.length - done);
      const args = new Array<SQLInputValue>(rows * COLUMNS);
      for (let k = 0, at = 0; k < rows; k++, done++) {
        const draft = encoded[done] as EncodedDraft;
        args[at++] = firstPosition + done;
        args[at++] = streamKey;
        args[at++] = firstVersion + done;
        args[at++] = draft.id;
        args[at++] = draft.type;
        args[at++] = draft.schemaVersion;
        args[at++] = draft.dataJson;
        args[at++] = draft.metadataJson;
        args[at++] = draft.recordedAt;
      }
      this.#statement(rows).run(...args);
    }
  }

  #statement(rows: number): StatementSync {
    let statement = this.#statements.get(rows);
    if (statement === undefined) {
      statement = this.#db.prepare(
        "INSERT INTO allframe_events (position, stream_key, version, event_id, type, schema_version, data, metadata, recorded_at) " +
          `VALUES ${new Array(rows).fill(ROW).join(", ")}`,
      );
      this.#statements.set(rows, statement);
    }
    return statement;
  }
}
