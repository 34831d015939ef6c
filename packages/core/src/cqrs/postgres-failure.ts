/**
 * PostgreSQL helpers of the event store backend: error mapping and the transaction handle given to
 * `inTransaction` callbacks.
 * @module
 */
import type pg from "pg";
import { AllFrameError, isAllFrameError } from "../errors/allframe-error.ts";
import {
  type BackendTransaction,
  type EventStoreBackendKind,
  endedTransactionError,
} from "./event-store-backend.ts";

const NETWORK_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE", "ENOTFOUND", "EAI_AGAIN"]);

/**
 * Converts a driver failure to an AllFrameError: `"unavailable"` for connection failures, a server
 * shutting down or out of connections (SQLSTATE classes 08, 53, 57P), `"internal"` for other server
 * errors. AllFrameErrors are returned unchanged.
 */
export function pgFailure(error: unknown): AllFrameError {
  if (isAllFrameError(error)) return error;
  const code = typeof error === "object" && error !== null ? (error as { code?: unknown }).code : undefined;
  const message = error instanceof Error ? error.message : String(error);
  const lost =
    (typeof code === "string" && (NETWORK_CODES.has(code) || /^(08|53|57P)/.test(code))) ||
    /Connection terminated|connection timeout|Client has encountered a connection error/i.test(message);
  if (lost) {
    return new AllFrameError("unavailable", `PostgreSQL event store unreachable: ${message}`, {
      cause: error,
    });
  }
  return new AllFrameError("internal", `PostgreSQL: ${message}`, { cause: error });
}

/**
 * A `BackendTransaction` that runs queries on `client` until `end()` is called, registered in
 * `registry` meanwhile so `saveCheckpoint(..., tx)` finds the client.
 */
export function transactionHandle(
  kind: EventStoreBackendKind,
  client: pg.PoolClient,
  registry: WeakMap<BackendTransaction, pg.PoolClient>,
): { tx: BackendTransaction; end: () => void } {
  let open = true;
  const tx: BackendTransaction = Object.freeze({
    kind,
    query: async <R>(sql: string, params: readonly unknown[] = []): Promise<R[]> => {
      if (!open) throw endedTransactionError();
      return (await client.query(sql, params as unknown[])).rows as R[];
    },
  });
  registry.set(tx, client);
  return {
    tx,
    end: () => {
      open = false;
      registry.delete(tx);
    },
  };
}
