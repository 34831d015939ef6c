/**
 * Issue 4's relay crash test with a real process death, on SQLite and PostgreSQL: a child relay is
 * SIGKILLed in the middle of its second batch; a relay started afterwards delivers the rest. Delivered
 * ids cover the committed ids, duplicates come only from the batch in flight, and the inbox consumer
 * leaves exactly one effect per id.
 */
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { createLogger } from "../../observability/logger.ts";
import { ManualClock } from "../../runtime/clock.ts";
import { killAtCrashPoint } from "../../testing/crash-point.ts";
import { type PostgresServer, startPostgres } from "../../testing/postgres-server.ts";
import { openEngines } from "./outbox-engines.fixture.ts";
import { OutboxRelay } from "./outbox-relay.ts";
import { consumerBus, EFFECTS_DDL } from "./outbox-relay-crash.shared.ts";
import { outboxEvent } from "./outbox-store.contract.ts";

const CHILD = fileURLToPath(new URL("./outbox-relay-crash.fixture.ts", import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "allframe-outbox-crash-"));
let server: PostgresServer;
before(async () => {
  server = await startPostgres();
});
after(async () => {
  await server.stop();
  rmSync(dir, { recursive: true, force: true });
});

const crashAt = (args: string[]): Promise<void> => killAtCrashPoint(CHILD, args);

function readLog(path: string): { published: string[]; marked: string[] } {
  const lines = readFileSync(path, "utf8").trim().split("\n");
  const published = lines.filter((l) => l.startsWith("published ")).map((l) => l.slice(10));
  const marked = lines.filter((l) => l.startsWith("marked ")).flatMap((l) => l.slice(7).split(" "));
  return { published, marked };
}

const backends = [
  { name: "sqlite", url: async () => `sqlite:${join(dir, `${Math.random().toString(36).slice(2)}.db`)}` },
  { name: "postgres", url: () => server.createDatabase("outbox_crash") },
];

for (const backend of backends) {
  describe(`outbox relay crash: ${backend.name}`, { timeout: 60_000 }, () => {
    test("SIGKILL mid-batch, restart: delivered ⊇ committed, duplicates only from the batch in flight, one effect each", async () => {
      const url = await backend.url();
      const committed = Array.from({ length: 50 }, (_, i) => `m-${String(i).padStart(2, "0")}`);
      const setup = openEngines(url);
      await setup.store.transaction((tx) =>
        setup.store.enqueue(
          tx,
          committed.map((id) => outboxEvent(id, "k")),
        ),
      );
      await setup.store
        .transaction(async (tx) => {
          await setup.store.enqueue(tx, [outboxEvent("rolled-back", "k")]);
          throw new Error("rollback");
        })
        .catch(() => undefined);
      await Promise.all([setup.store.close(), setup.inbox.close()]);

      const childLog = join(dir, `${backend.name}-child.log`);
      await crashAt(["--store", url, "--log", childLog, "--crash-after", "15", "--batch", "10"]);
      const child = readLog(childLog);
      assert.deepEqual(child.published, committed.slice(0, 15));
      assert.deepEqual(child.marked, committed.slice(0, 10), "the second batch died before its mark");

      // The restarted relay sees the dead relay's leases as expired.
      const clock = new ManualClock(Date.now() + 120_000);
      const { store, inbox } = openEngines(url, clock);
      const parentLog = join(dir, `${backend.name}-parent.log`);
      const relay = new OutboxRelay({
        store,
        bus: consumerBus(inbox, parentLog),
        batchSize: 10,
        logger: createLogger({ service: "test", level: "silent" }),
      });
      while ((await relay.runOnce()) > 0);
      const parent = readLog(parentLog);

      const delivered = new Set([...child.published, ...parent.published]);
      assert.deepEqual([...delivered].sort(), committed, "every committed id, and no rolled-back one");
      const duplicates = parent.published.filter((id) => child.published.includes(id));
      assert.deepEqual(duplicates, committed.slice(10, 15), "only the unmarked in-flight batch repeats");
      assert.deepEqual(parent.published, committed.slice(10), "the rest, in key order");

      const effects = await inbox.handleOnce("read-effects", "test-reader", async (tx) => {
        await tx.query(EFFECTS_DDL);
        return tx.query<{ message_id: string }>("SELECT message_id FROM effects ORDER BY message_id");
      });
      assert.equal(effects.status, "handled");
      if (effects.status === "handled")
        assert.deepEqual(
          effects.value.map((r) => r.message_id),
          committed,
          "exactly one effect per id",
        );
      assert.equal(await store.backlog(), 0);
      await Promise.all([store.close(), inbox.close()]);
    });
  });
}
