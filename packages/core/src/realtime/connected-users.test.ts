import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { PresenceEntry, RealtimeBackplane } from "./backplane.ts";
import { ConnectedUsers } from "./connected-users.ts";

/** A backplane that records presence writes; `fail` makes the next write throw. */
function recordingBackplane(remote: PresenceEntry[] = []) {
  const writes: { users: PresenceEntry[]; ttlMs: number }[] = [];
  let failNext = false;
  let settle = () => {};
  const backplane: RealtimeBackplane = {
    start: async () => {},
    publish: async () => {},
    async sharePresence(users, ttlMs) {
      if (failNext) {
        failNext = false;
        throw new Error("redis down");
      }
      writes.push({ users: [...users], ttlMs });
      settle();
    },
    remotePresence: async () => remote,
    close: async () => {},
  };
  const written = (count: number) =>
    new Promise<void>((resolve) => {
      settle = () => {
        if (writes.length >= count) resolve();
      };
      settle();
    });
  return { backplane, writes, written, fail: () => (failNext = true) };
}

describe("ConnectedUsers", () => {
  test("groups connections by user; presence counts them and keeps the earliest since", async () => {
    const users = new ConnectedUsers<{ userId: string; since: number }>({ presenceTtlMs: 1000 });
    const a1 = { userId: "alice", since: 20 };
    users.add(a1);
    users.add({ userId: "alice", since: 10 });
    users.add({ userId: "bob", since: 30 });
    assert.equal(users.of("alice").size, 2);
    assert.equal(users.of("carol").size, 0);
    users.remove(a1);
    users.remove(a1);
    assert.deepEqual(await users.all(), [
      { userId: "alice", connections: 1, since: 10 },
      { userId: "bob", connections: 1, since: 30 },
    ]);
  });

  test("coalesces a burst of changes into few writes of the full presence, and sums remote instances", async () => {
    const { backplane, writes, written } = recordingBackplane([{ userId: "u-0", connections: 2, since: 1 }]);
    const users = new ConnectedUsers<{ userId: string; since: number }>({ backplane, presenceTtlMs: 90_000 });
    users.add({ userId: "before-sharing", since: 5 });
    assert.equal(writes.length, 0, "nothing is written before startSharing()");
    users.startSharing();
    for (let i = 0; i < 100; i++) users.add({ userId: `u-${i}`, since: 100 + i });
    await written(1);
    await users.stopSharing();
    assert.equal(writes.length, 1, "one write for the whole burst");
    assert.equal(writes[0]?.users.length, 101);
    assert.equal(writes[0]?.ttlMs, 90_000);
    assert.deepEqual(
      (await users.all()).find((u) => u.userId === "u-0"),
      {
        userId: "u-0",
        connections: 3,
        since: 1,
      },
    );
  });

  test("a failed write is logged and the next change writes the current presence", async () => {
    const { backplane, writes, written, fail } = recordingBackplane();
    let warned: (msg: string) => void = () => {};
    const warning = new Promise<string>((resolve) => {
      warned = resolve;
    });
    const users = new ConnectedUsers<{ userId: string; since: number }>({
      backplane,
      presenceTtlMs: 1000,
      logger: { warn: (_obj, msg) => warned(String(msg)) },
    });
    fail();
    users.startSharing();
    users.add({ userId: "alice", since: 1 });
    assert.equal(await warning, "websocket presence not shared");
    assert.equal(writes.length, 0);
    users.add({ userId: "bob", since: 2 });
    await written(1);
    assert.deepEqual(writes[0]?.users, [
      { userId: "alice", connections: 1, since: 1 },
      { userId: "bob", connections: 1, since: 2 },
    ]);
    await users.stopSharing();
  });
});
