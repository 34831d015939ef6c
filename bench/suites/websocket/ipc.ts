/**
 * Request/reply over Node's IPC channel for the `websocket` suite's child processes: the bench process
 * asks (`{ id, cmd, ...args }`), the child answers (`{ id, ok, value | error }`). A child exits when
 * the channel closes, so a bench process that dies leaves no server or client behind.
 * @module
 */
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { stopGroup } from "../../../packages/core/src/testing/server-process.ts";
import { within } from "../messaging/measure.ts";

/** A command sent to a child: its name and arguments. */
export type Command = { readonly cmd: string } & Record<string, unknown>;

interface Reply {
  readonly id: number;
  readonly ok: boolean;
  readonly value?: unknown;
  readonly error?: string;
}

/** A started child process that answers commands. */
export interface Child {
  /** Sends `command` and resolves with the child's answer; rejects with its error or after `timeoutMs`. */
  ask<T>(command: Command, timeoutMs?: number): Promise<T>;
  /** Stops the child and its process group (SIGTERM, then SIGKILL after 2 s). Never throws. */
  stop(): Promise<void>;
}

/**
 * Starts `script` with Node 24 (`process.execPath`), `execArgv` before the script and `args` after
 * it, stderr shared with the bench process, and resolves once it reports `{ ready: true }`.
 */
export async function startChild(
  script: string,
  args: readonly string[],
  execArgv: readonly string[] = [],
): Promise<Child> {
  const child: ChildProcess = spawn(process.execPath, [...execArgv, script, ...args], {
    stdio: ["ignore", "inherit", "inherit", "ipc"],
    detached: true,
  });
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  let nextId = 1;
  child.on("message", (message: Reply) => {
    const waiter = pending.get(message.id);
    pending.delete(message.id);
    if (message.ok) waiter?.resolve(message.value);
    else waiter?.reject(new Error(`${script}: ${message.error}`));
  });
  child.on("exit", (code, signal) => {
    for (const waiter of pending.values()) waiter.reject(new Error(`${script} exited (${code ?? signal})`));
    pending.clear();
  });
  const ready = once(child, "message").then(() => undefined);
  const exited = once(child, "exit").then(([code]) => {
    throw new Error(`${script} exited with ${code} before it was ready`);
  });
  try {
    await within(20_000, `${script} start`, Promise.race([ready, exited]));
  } catch (error) {
    await stopGroup(child, 2_000);
    throw error;
  }
  return {
    ask<T>(command: Command, timeoutMs = 60_000): Promise<T> {
      const id = nextId++;
      const answer = new Promise<T>((resolve, reject) => {
        pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
        child.send({ id, ...command }, (error) => {
          if (error === null) return;
          pending.delete(id);
          reject(new Error(`${script} ${command.cmd}: ${error.message}`));
        });
      });
      return within(timeoutMs, `${script} ${command.cmd}`, answer);
    },
    stop: () => stopGroup(child, 2_000),
  };
}

/**
 * The child's side: answers each command with `handlers[cmd](command)`, reports `{ ready: true }`,
 * and exits when the bench process goes away.
 */
export function serveCommands(
  handlers: Record<string, (command: Command) => unknown | Promise<unknown>>,
): void {
  const send = process.send?.bind(process);
  if (send === undefined) throw new Error("run this script as a child process with an IPC channel");
  process.on("message", async (message: Command & { id: number }) => {
    try {
      const handler = handlers[message.cmd];
      if (handler === undefined) throw new Error(`unknown command "${message.cmd}"`);
      send({ id: message.id, ok: true, value: await handler(message) });
    } catch (error) {
      send({ id: message.id, ok: false, error: error instanceof Error ? error.message : String(error) });
    }
  });
  process.on("disconnect", () => process.exit(0));
  send({ ready: true });
}
