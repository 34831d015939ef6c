import assert from "node:assert/strict";
import { type ChildProcess, fork } from "node:child_process";
import { once } from "node:events";
import { describe, it } from "node:test";

const REQUESTS = 50;

/** Resolves with the first IPC message `accept` returns something for. */
function message<T>(child: ChildProcess, accept: (m: Record<string, unknown>) => T | undefined): Promise<T> {
  return new Promise((resolve, reject) => {
    const onMessage = (m: Record<string, unknown>) => {
      const value = accept(m);
      if (value === undefined) return;
      child.off("message", onMessage);
      resolve(value);
    };
    child.on("message", onMessage);
    child.once("exit", (code) => reject(new Error(`child exited (${code}) before the expected message`)));
  });
}

describe("graceful shutdown under load (SIGTERM to a child process)", () => {
  it("answers every in-flight request, refuses new connections, and exits 0 within its timeout", async () => {
    const child = fork(new URL("./drain-under-load.fixture.ts", import.meta.url), {
      execArgv: [],
      stdio: ["ignore", "inherit", "inherit", "ipc"],
    });
    try {
      const port = await message(child, (m) => (typeof m.port === "number" ? m.port : undefined));
      const allInFlight = message(child, (m) => (m.inFlight === REQUESTS ? true : undefined));
      const responses = Array.from({ length: REQUESTS }, () =>
        fetch(`http://127.0.0.1:${port}/work`).then(async (r) => ({
          status: r.status,
          body: await r.json(),
        })),
      );
      await allInFlight;
      const exited = once(child, "exit") as Promise<[number | null, NodeJS.Signals | null]>;
      child.kill("SIGTERM");
      const answered = await Promise.all(responses);
      assert.equal(answered.length, REQUESTS);
      for (const answer of answered) assert.deepEqual(answer, { status: 200, body: { done: true } });
      const [code, signal] = await exited;
      assert.deepEqual([code, signal], [0, null], "exit code 0: shutdown finished before its 5 s timeout");
      await assert.rejects(fetch(`http://127.0.0.1:${port}/work`), "the listener is closed");
    } finally {
      if (child.exitCode === null) child.kill("SIGKILL");
    }
  });
});
