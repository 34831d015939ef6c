/**
 * Crash tests' child-process plumbing: run a fixture script until it prints `CRASH-POINT`, then
 * SIGKILL it there, as a machine or container dying mid-operation would. Not exported from the
 * package index: only this repository's tests use it.
 * @module
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { once } from "node:events";

/**
 * Runs `node <script> ...args` until its stdout has a `CRASH-POINT` line, then SIGKILLs it and
 * resolves once it is gone.
 * @throws AssertionError (with the child's stderr) when it exits before reaching the crash point.
 */
export async function killAtCrashPoint(script: string, args: readonly string[]): Promise<void> {
  const child = spawn(process.execPath, [script, ...args], { stdio: ["ignore", "pipe", "pipe"] });
  const exited = once(child, "exit");
  let stdout = "";
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const reached = await new Promise<boolean>((resolve) => {
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
      if (stdout.includes("CRASH-POINT\n")) resolve(true);
    });
    child.once("exit", () => resolve(false));
  });
  assert.ok(reached, `the child exited before its crash point: ${stderr}`);
  child.kill("SIGKILL");
  const [, signal] = await exited;
  assert.equal(signal, "SIGKILL");
}
