/**
 * The contract every {@link DeadLetterQueue} passes (house style rule 4):
 * `runDeadLetterQueueContract("memory", () => new InMemoryDeadLetterQueue())`.
 * @module
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { hasErrorCode } from "../../errors/allframe-error.ts";
import type { DeadLetter, DeadLetterQueue } from "./dead-letter-queue.ts";

function entry(id: string, n = 1): DeadLetter {
  return {
    id,
    event: {
      id: `evt-${id}`,
      type: "order.placed",
      source: "orders",
      time: "2025-01-01T00:00:00.000Z",
      data: { n, nested: { list: [1, 2] } },
      key: "o-1",
      headers: { "x-trace": "t" },
    },
    error: { name: "Error", message: "card declined" },
    attempts: 4,
    consumer: "billing",
    deadLetteredAt: "2025-01-01T00:00:01.000Z",
  };
}

/** Registers the dead-letter queue contract as a `describe` block. */
export function runDeadLetterQueueContract(
  name: string,
  factory: () => DeadLetterQueue | Promise<DeadLetterQueue>,
): void {
  describe(`dead-letter queue contract: ${name}`, () => {
    it("starts empty", async () => {
      const queue = await factory();
      assert.equal(await queue.size(), 0);
      assert.deepEqual(await queue.list(), []);
    });

    it("lists entries oldest first, intact", async () => {
      const queue = await factory();
      await queue.add(entry("b", 1));
      await queue.add(entry("a", 2));
      assert.deepEqual(await queue.list(), [entry("b", 1), entry("a", 2)]);
      assert.equal(await queue.size(), 2);
    });

    it("removes and returns an entry; unknown ids give undefined", async () => {
      const queue = await factory();
      await queue.add(entry("a"));
      assert.deepEqual(await queue.remove("a"), entry("a"));
      assert.equal(await queue.remove("a"), undefined);
      assert.equal(await queue.size(), 0);
    });

    it("refuses a duplicate id", async () => {
      const queue = await factory();
      await queue.add(entry("a"));
      await assert.rejects(queue.add(entry("a")), (e) => hasErrorCode(e, "conflict"));
    });

    it("stores copies: later mutation of an added or listed entry changes nothing", async () => {
      const queue = await factory();
      const added = entry("a");
      await queue.add(added);
      added.attempts = 99;
      const [listed] = await queue.list();
      assert.ok(listed);
      listed.consumer = "changed";
      assert.deepEqual(await queue.list(), [entry("a")]);
    });
  });
}
