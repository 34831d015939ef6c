/**
 * The contract every {@link Inbox} passes (house style rule 4):
 * `runInboxContract("sqlite", (clock) => new SqliteInbox({ path: ":memory:", clock }))`.
 * The factory gets a fresh, empty store each time and a {@link ManualClock} the inbox must use.
 * @module
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { hasErrorCode } from "../../errors/allframe-error.ts";
import { ManualClock } from "../../runtime/clock.ts";
import type { Inbox, InboxTransaction } from "./inbox.ts";

/** Cases an inbox may skip, each with its written reason. */
export interface InboxContractOptions {
  readonly skip?: { readonly rollback?: string };
}

const memoryEffects = new WeakMap<Inbox, string[]>();

/** Writes one effect for `id`: a row in `effects` (SQL) or an entry in memory. */
export async function writeEffect(inbox: Inbox, tx: InboxTransaction, id: string): Promise<void> {
  if (tx.kind === "memory") {
    const list = memoryEffects.get(inbox) ?? [];
    list.push(id);
    memoryEffects.set(inbox, list);
    return;
  }
  await tx.query("CREATE TABLE IF NOT EXISTS effects (message_id text NOT NULL)");
  await tx.query(`INSERT INTO effects (message_id) VALUES (${tx.kind === "postgres" ? "$1" : "?"})`, [id]);
}

/** Every effect written, in order. */
export async function readEffects(inbox: Inbox): Promise<string[]> {
  if (inbox.kind === "memory") return [...(memoryEffects.get(inbox) ?? [])];
  const result = await inbox.handleOnce(`read-${Math.random()}`, "contract-reader", async (tx) => {
    await tx.query("CREATE TABLE IF NOT EXISTS effects (message_id text NOT NULL)");
    return tx.query<{ message_id: string }>("SELECT message_id FROM effects");
  });
  assert.equal(result.status, "handled");
  return result.status === "handled" ? result.value.map((r) => r.message_id) : [];
}

/** Registers the inbox contract as a `describe` block. */
export function runInboxContract(
  name: string,
  open: (clock: ManualClock) => Promise<Inbox>,
  options: InboxContractOptions = {},
): void {
  const fresh = async () => {
    const clock = new ManualClock(Date.parse("2025-01-01T00:00:00Z"));
    return { clock, inbox: await open(clock) };
  };

  describe(`inbox contract: ${name}`, () => {
    it("runs work once per message id; a redelivery is a duplicate and has no effect", async () => {
      const { inbox } = await fresh();
      const first = await inbox.handleOnce("m-1", "billing", async (tx) => {
        await writeEffect(inbox, tx, "m-1");
        return 42;
      });
      assert.deepEqual(first, { status: "handled", value: 42 });
      for (let i = 0; i < 3; i++) {
        const again = await inbox.handleOnce("m-1", "billing", async (tx) => writeEffect(inbox, tx, "m-1"));
        assert.deepEqual(again, { status: "duplicate" });
      }
      assert.deepEqual(await readEffects(inbox), ["m-1"]);
      assert.equal(await inbox.has("m-1", "billing"), true);
      assert.equal(await inbox.has("m-2", "billing"), false);
      await inbox.close();
    });

    it("dedupes per consumer: another consumer handles the same id", async () => {
      const { inbox } = await fresh();
      await inbox.handleOnce("m-1", "billing", async () => undefined);
      const other = await inbox.handleOnce("m-1", "shipping", async () => "shipped");
      assert.deepEqual(other, { status: "handled", value: "shipped" });
      assert.equal(await inbox.has("m-1", "shipping"), true);
      await inbox.close();
    });

    it("a failing work records nothing, so the message is handled on redelivery", async () => {
      const { inbox } = await fresh();
      const boom = new Error("handler failed");
      await assert.rejects(
        inbox.handleOnce("m-1", "billing", async () => {
          throw boom;
        }),
        (e) => e === boom,
      );
      assert.equal(await inbox.has("m-1", "billing"), false);
      const retry = await inbox.handleOnce("m-1", "billing", async (tx) => writeEffect(inbox, tx, "m-1"));
      assert.equal(retry.status, "handled");
      assert.deepEqual(await readEffects(inbox), ["m-1"]);
      await inbox.close();
    });

    it("rolls the effect back with the id when work fails after writing", {
      skip: options.skip?.rollback,
    }, async () => {
      const { inbox } = await fresh();
      await assert.rejects(
        inbox.handleOnce("m-1", "billing", async (tx) => {
          await writeEffect(inbox, tx, "m-1");
          throw new Error("after the write");
        }),
      );
      assert.deepEqual(await readEffects(inbox), []);
      await inbox.close();
    });

    it("concurrent deliveries of one id: work runs once, the others are duplicates", async () => {
      const { inbox } = await fresh();
      let runs = 0;
      const results = await Promise.all(
        Array.from({ length: 10 }, () =>
          inbox.handleOnce("m-1", "billing", async (tx) => {
            runs++;
            await writeEffect(inbox, tx, "m-1");
          }),
        ),
      );
      assert.equal(runs, 1);
      assert.equal(results.filter((r) => r.status === "handled").length, 1);
      assert.deepEqual(await readEffects(inbox), ["m-1"]);
      await inbox.close();
    });

    it("purge forgets ids handled before a time", async () => {
      const { inbox, clock } = await fresh();
      await inbox.handleOnce("old", "billing", async () => undefined);
      clock.advance(60_000);
      await inbox.handleOnce("new", "billing", async () => undefined);
      assert.equal(await inbox.purge(new Date(clock.now().getTime() - 1)), 1);
      assert.equal(await inbox.has("old", "billing"), false);
      assert.equal(await inbox.has("new", "billing"), true);
      await inbox.close();
    });

    it("refuses an empty message id or consumer", async () => {
      const { inbox } = await fresh();
      await assert.rejects(
        inbox.handleOnce("", "billing", async () => 1),
        (e) => hasErrorCode(e, "validation"),
      );
      await assert.rejects(
        inbox.handleOnce("m-1", " ", async () => 1),
        (e) => hasErrorCode(e, "validation"),
      );
      await inbox.close();
    });
  });
}
