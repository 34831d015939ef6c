/**
 * A memory backend that counts what it hands out and saves, so tests can prove a snapshot spared reads.
 * @module
 */
import type { RecordedEvent } from "./event.ts";
import type { Snapshot } from "./event-store-backend.ts";
import { InMemoryEventStoreBackend } from "./in-memory-event-store-backend.ts";

/** Counts the events handed out by `readStream`, and the snapshots saved. */
export class SpyBackend extends InMemoryEventStoreBackend {
  eventsRead = 0;
  readonly saved: Snapshot[] = [];
  override async readStream(streamId: string, fromVersion?: number): Promise<RecordedEvent[]> {
    const events = await super.readStream(streamId, fromVersion);
    this.eventsRead += events.length;
    return events;
  }
  override async saveSnapshot(snapshot: Snapshot): Promise<void> {
    this.saved.push(snapshot);
    await super.saveSnapshot(snapshot);
  }
}
