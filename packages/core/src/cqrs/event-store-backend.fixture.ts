/**
 * What the event store backend suites (contract and reliability) share: how a test gets storage and
 * backends on it, a draft maker, and the conflict assertion.
 * @module
 */
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { isConcurrencyError } from "./concurrency-error.ts";
import type { ExpectedVersion, RecordedEventDraft } from "./event.ts";
import type { EventStoreBackend } from "./event-store-backend.ts";

/** Fresh, empty storage for one test case. */
export interface BackendFixture {
  /**
   * Opens a backend on this storage. SQL backends give a new instance with its own connections on
   * every call, which is how the reliability suite gets independent writers; memory gives its one
   * instance (process memory cannot be shared by two instances).
   */
  open(): Promise<EventStoreBackend>;
  /** Closes whatever is still open and deletes the storage. */
  dispose(): Promise<void>;
}

/** One case: gets a backend opened on fresh storage, and the fixture to open more or reopen. */
export type BackendCase = (backend: EventStoreBackend, fixture: BackendFixture) => Promise<void>;

/** Makes the fixture for one case. */
export type BackendFixtureFactory = () => Promise<BackendFixture>;

/** Options of the suites. */
export interface BackendSuiteOptions {
  /** Case name → the reason it cannot hold for this backend (house style rule 4). */
  readonly skip?: Readonly<Record<string, string>>;
}

/**
 * A draft with a unique id (unless given: a random UUID, the id form most callers make), fixed
 * metadata and timestamp.
 */
export function draft(type: string, data: unknown = {}, id: string = randomUUID()): RecordedEventDraft {
  return { id, type, data, metadata: { source: "contract" }, recordedAt: "2025-01-01T00:00:00.000Z" };
}

/** Asserts that `work` rejects with a ConcurrencyError carrying these expected and actual versions. */
export async function expectConflict(
  work: Promise<unknown>,
  expected: ExpectedVersion,
  actual: number,
): Promise<void> {
  await assert.rejects(work, (e) => {
    assert.ok(isConcurrencyError(e), `expected a ConcurrencyError, got ${String(e)}`);
    assert.equal(e.expected, expected);
    assert.equal(e.actual, actual);
    return true;
  });
}

/** A promise with its resolve function, for holding a transaction open until a test says so. */
export function gate(): { promise: Promise<void>; open: () => void } {
  let open = (): void => {};
  const promise = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { promise, open };
}
