import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ManualClock, systemClock } from "../runtime/clock.ts";
import { uuidV7Generator } from "../runtime/uuid-v7.ts";
import { draftEvents, IsoNow, storeIds } from "./event-drafts.ts";
import { EMPTY_JSON_OBJECT } from "./frozen-json-copy.ts";

/** The Unix millisecond a UUIDv7 carries (RFC 9562: hex digits 0–7 and 9–12). */
const msOf = (id: string): number => Number.parseInt(id.slice(0, 8) + id.slice(9, 13), 16);

describe("storeIds", () => {
  it("on the system clock, stamps each id with the millisecond of the append's timestamp", () => {
    const now = new IsoNow(systemClock);
    const ids = storeIds(now);
    const drafts = draftEvents(
      { recordedAt: () => now.now(), ids, schemaVersionOf: () => 1 },
      "order-1",
      [
        { type: "A", data: 1 },
        { type: "B", data: 2 },
      ],
      {},
    );
    const [first, second] = drafts;
    assert.ok(first !== undefined && second !== undefined);
    assert.equal(now.lastMs, Date.parse(first.recordedAt));
    assert.equal(msOf(first.id), now.lastMs);
    assert.equal(msOf(second.id), now.lastMs);
    assert.ok(second.id > first.id, "ids made in one millisecond still increase");
  });

  it("before any timestamp is read, falls back to the wall clock", () => {
    const before = Date.now();
    const id = storeIds(new IsoNow(systemClock))();
    assert.ok(msOf(id) >= before);
  });

  it("on another clock, makes ids on the wall clock, not the fake time", () => {
    assert.equal(storeIds(new IsoNow(new ManualClock(0))), uuidV7Generator);
  });

  it("gives events without metadata the shared empty object, which copies to itself", () => {
    const now = new IsoNow(new ManualClock(0));
    const [draft] = draftEvents(
      { recordedAt: () => now.now(), ids: () => "id-1", schemaVersionOf: () => 1 },
      "s",
      [{ type: "A", data: null }],
      {},
    );
    assert.equal(draft?.metadata, EMPTY_JSON_OBJECT);
    assert.equal(draft?.recordedAt, "1970-01-01T00:00:00.000Z");
  });
});
