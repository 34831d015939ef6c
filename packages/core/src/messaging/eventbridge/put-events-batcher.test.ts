import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { PutEventsRequestEntry } from "@aws-sdk/client-eventbridge";
import { hasErrorCode } from "../../errors/allframe-error.ts";
import { entryError, PutEventsBatcher, putEventsEntrySize } from "./put-events-batcher.ts";

const entry = (source: string, detail = "{}"): PutEventsRequestEntry => ({
  Source: source,
  DetailType: "t",
  Detail: detail,
});

describe("PutEventsBatcher", () => {
  it("counts entry bytes as EventBridge does: 14 for Time, UTF-8 bytes of the strings", () => {
    assert.equal(putEventsEntrySize({ Source: "ü", DetailType: "ab", Detail: '{"a":"€"}' }), 2 + 2 + 11);
    assert.equal(
      putEventsEntrySize({ Time: new Date(0), Source: "s", DetailType: "t", Resources: ["r1"] }),
      18,
    );
  });

  it("sends the entries of one turn together, at most 10 and 256 KB per call", async () => {
    const calls: string[][] = [];
    const batcher = new PutEventsBatcher(async (entries) => {
      calls.push(entries.map((e) => String(e.Source)));
      return { FailedEntryCount: 0, Entries: entries.map(() => ({ EventId: "e" })), $metadata: {} };
    });
    const small = Array.from({ length: 12 }, (_, i) => batcher.put(entry(`s${i}`)));
    await Promise.all(small);
    const half = "x".repeat(130 * 1024);
    await Promise.all([batcher.put(entry("big1", half)), batcher.put(entry("big2", half))]);
    assert.deepEqual(calls, [
      ["s0", "s1", "s2", "s3", "s4", "s5", "s6", "s7", "s8", "s9"],
      ["s10", "s11"],
      ["big1"],
      ["big2"],
    ]);
  });

  it("settles each entry on its own result; a failed call rejects all of its entries", async () => {
    let call = 0;
    const batcher = new PutEventsBatcher(async (entries) => {
      call += 1;
      if (call === 2) throw new Error("socket hang up");
      return {
        FailedEntryCount: 1,
        Entries: entries.map((e) => (e.Source === "b" ? { ErrorCode: "InternalFailure" } : { EventId: "e" })),
        $metadata: {},
      };
    });
    const [a, b] = await Promise.allSettled([batcher.put(entry("a")), batcher.put(entry("b"))]);
    assert.equal(a.status, "fulfilled");
    assert.ok(b.status === "rejected" && hasErrorCode(b.reason, "unavailable"));
    await assert.rejects(batcher.put(entry("c")), /socket hang up/);
  });

  it("maps entry error codes: retryable → unavailable, access → forbidden, others → validation", () => {
    assert.equal(entryError("ThrottlingException", undefined).code, "unavailable");
    assert.equal(entryError("AccessDeniedException", undefined).code, "forbidden");
    assert.equal(entryError("NotAuthorizedForDetailTypeException", undefined).code, "forbidden");
    const malformed = entryError("MalformedDetail", "Detail is malformed.");
    assert.equal(malformed.code, "validation");
    assert.equal(malformed.message, "EventBridge refused the entry: MalformedDetail (Detail is malformed.)");
  });
});
