import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { uuidV7, uuidV7Generator } from "./uuid-v7.ts";

const SHAPE = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe("uuidV7", () => {
  it("makes RFC 9562 version 7 ids carrying the time in their first 48 bits", () => {
    const ms = Date.parse("2025-06-01T12:00:00Z");
    const id = uuidV7(ms + 10_000_000);
    assert.match(id, SHAPE);
    assert.equal(Number.parseInt(id.slice(0, 8) + id.slice(9, 13), 16), ms + 10_000_000);
  });

  it("keeps ids strictly increasing within a millisecond, across one, and when the clock steps back", () => {
    const ms = Date.now() + 60_000_000;
    const ids = [
      ...Array.from({ length: 5000 }, () => uuidV7(ms)),
      ...Array.from({ length: 10 }, () => uuidV7(ms - 5)),
      ...Array.from({ length: 10 }, () => uuidV7(ms + 10)),
    ];
    for (const id of ids) assert.match(id, SHAPE);
    for (let i = 1; i < ids.length; i++)
      assert.ok((ids[i - 1] ?? "") < (ids[i] ?? ""), `id ${i} sorts after ${i - 1}`);
    assert.equal(new Set(ids).size, ids.length);
  });

  it("is the generator's shape too", () => {
    assert.match(uuidV7Generator(), SHAPE);
  });
});
