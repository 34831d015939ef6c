/**
 * Runs one HTTP server per child process (Node 24: `process.execPath`), so each server has its own
 * event loop and heap and the load generator in the bench process never shares a thread with it.
 * The child reports its port over IPC once listening.
 * @module
 */
import { type ChildProcess, fork } from "node:child_process";
import { CpuShareProfiler, TRACING_CODE } from "./cpu-share.ts";

/** A server running in a child process. */
export interface ServerProcess {
  /** e.g. `http://127.0.0.1:43127`. */
  readonly url: string;
  /** The child's process id. */
  readonly pid: number;
  /** CPU time (user + system) the child used so far, in seconds. */
  cpuSeconds(): Promise<number>;
  /**
   * Profiles the child while `during` runs and resolves with the share (0..1) of its non-idle CPU
   * spent in tracing code (see `TRACING_CODE`).
   */
  tracingCpuShare(during: () => Promise<unknown>): Promise<number>;
  /** Kills the child (SIGTERM) and waits for it to exit. */
  stop(): Promise<void>;
}

/** What a child sends once listening. */
export interface ListeningMessage {
  readonly port: number;
}

/** What a child answers to `"cpu"`: its `process.cpuUsage()` user + system, in microseconds. */
export interface CpuMessage {
  readonly cpuMicros: number;
}

/** What a child answers: to `"cpu"`, to `"profile-start"` (`{}`), and to `"profile-stop"`. */
type Answer = CpuMessage | { readonly tracingShare?: number };
type Question = "cpu" | "profile-start" | "profile-stop";

/** Sends one question to the child and resolves with its answer (one question at a time). */
function ask(child: ChildProcess, question: Question): Promise<Answer> {
  return new Promise((resolve) => {
    child.once("message", (message: Answer) => resolve(message));
    child.send(question);
  });
}

function exited(child: ChildProcess): Promise<void> {
  return child.exitCode !== null || child.signalCode !== null
    ? Promise.resolve()
    : new Promise((resolve) => child.once("exit", () => resolve()));
}

/**
 * Starts `script` (a `.ts` file run by Node's type stripping) with `args` in a child process and
 * resolves once it sent `{ port }` over IPC; its stdout is discarded (request logs would otherwise
 * be paid for by the pipe), stderr is inherited.
 * @throws Error naming the script when the child exits or takes over 20 s before listening.
 */
export function startServerProcess(script: URL, args: readonly string[]): Promise<ServerProcess> {
  const child = fork(script, [...args], {
    execPath: process.execPath,
    stdio: ["ignore", "ignore", "inherit", "ipc"],
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => fail(new Error(`${script.pathname} did not listen within 20 s`)), 20_000);
    const fail = (error: Error) => {
      clearTimeout(timer);
      child.kill("SIGKILL");
      reject(error);
    };
    child.once("exit", (code) =>
      fail(new Error(`${script.pathname} ${args.join(" ")} exited (${code}) before listening`)),
    );
    child.once("message", (message: ListeningMessage) => {
      clearTimeout(timer);
      child.removeAllListeners("exit");
      resolve({
        url: `http://127.0.0.1:${message.port}`,
        pid: child.pid as number,
        cpuSeconds: async () => ((await ask(child, "cpu")) as CpuMessage).cpuMicros / 1e6,
        tracingCpuShare: async (during) => {
          await ask(child, "profile-start");
          await during();
          return ((await ask(child, "profile-stop")) as { tracingShare: number }).tracingShare;
        },
        stop: async () => {
          child.kill("SIGTERM");
          await exited(child);
        },
      });
    });
  });
}

/**
 * In a child: tells the parent the server listens on `port`, then answers its CPU and profile
 * questions. The IPC channel is unreferenced so it does not keep the child alive once its server
 * closed.
 */
export function reportListening(port: number): void {
  process.channel?.unref();
  let profiler: CpuShareProfiler | undefined;
  process.on("message", async (question: Question) => {
    if (question === "profile-start") {
      profiler = new CpuShareProfiler();
      await profiler.start();
      process.send?.({});
    } else if (question === "profile-stop") {
      process.send?.({ tracingShare: (await profiler?.stop(TRACING_CODE)) ?? 0 });
    } else {
      const { user, system } = process.cpuUsage();
      process.send?.({ cpuMicros: user + system } satisfies CpuMessage);
    }
  });
  process.send?.({ port } satisfies ListeningMessage);
}
