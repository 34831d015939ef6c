/**
 * Runs a command in a generated workspace with an environment that is the user's, not ours: verify
 * uses it for npm, and the forge's end-to-end tests for `node --test`, tsc and Biome.
 * @module
 */
import { spawn } from "node:child_process";

/**
 * Variables that describe *our* process's context rather than the user's: npm's INIT_CWD, and
 * node:test's NODE_TEST_CONTEXT, which makes a nested `node --test` skip every file (and exit 0).
 */
const INHERITED_CONTEXT = new Set(["INIT_CWD", "NODE_TEST_CONTEXT"]);

/**
 * The environment for a command in the generated workspace: ours, minus npm's own per-invocation
 * variables (set when ignite itself runs under npx or an npm script), which would otherwise leak our
 * project's settings into theirs, and minus {@link INHERITED_CONTEXT}; colours off.
 */
export function workspaceEnv(): Record<string, string | undefined> {
  const env: Record<string, string | undefined> = { FORCE_COLOR: "0" };
  for (const [key, value] of Object.entries(process.env)) {
    if (!key.toLowerCase().startsWith("npm_") && !INHERITED_CONTEXT.has(key)) env[key] = value;
  }
  return env;
}

/**
 * Runs `command args` in `cwd` with {@link workspaceEnv}; resolves with its exit code (1 when killed
 * by a signal) and stdout and stderr interleaved as they came.
 * @throws (rejects) when the command cannot be started.
 */
export function runInWorkspace(
  cwd: string,
  command: string,
  args: readonly string[],
): Promise<{ code: number; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, [...args], { cwd, env: workspaceEnv(), stdio: ["ignore", "pipe", "pipe"] });
    const chunks: Buffer[] = [];
    const collect = (chunk: Buffer): void => {
      chunks.push(chunk);
    };
    child.stdout.on("data", collect);
    child.stderr.on("data", collect);
    child.on("error", reject);
    child.on("close", (code) => resolve({ code: code ?? 1, output: Buffer.concat(chunks).toString("utf8") }));
  });
}
