/**
 * Verification, the pipeline's last stage (seed 000 "Generator Pipeline": compile, test): installs the
 * generated workspace, type-checks it, lints it and runs its tests, stopping at the first failure.
 * Each step's full output goes to `.allframe/verify.log` in the workspace.
 * @module
 */
import { spawn } from "node:child_process";
import { appendFile, mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";

export const VERIFY_STEPS = [
  { name: "install", args: ["install", "--no-audit", "--no-fund"] },
  { name: "typecheck", args: ["run", "typecheck"] },
  { name: "lint", args: ["run", "lint"] },
  { name: "test", args: ["test"] },
] as const;

export type VerifyStepName = (typeof VERIFY_STEPS)[number]["name"];

/** One step's outcome; `tail` is the last lines of its output, for a failure message. */
export interface VerifyStepResult {
  readonly name: VerifyStepName;
  readonly ok: boolean;
  readonly durationMs: number;
  readonly tail: string;
  /** For the test step: how many tests passed, as the runner reported. */
  readonly testsPassed?: number;
}

/**
 * Reads node:test's closing counts (`ℹ tests N`, `ℹ pass N`, or TAP's `# tests N`). A test step that
 * exits 0 without running a test is a failure: nothing was verified.
 */
export function testCounts(output: string): { tests: number; pass: number } | undefined {
  const tests = /^(?:ℹ|#) tests (\d+)$/m.exec(output);
  const pass = /^(?:ℹ|#) pass (\d+)$/m.exec(output);
  if (tests === null || pass === null) return undefined;
  return { tests: Number(tests[1]), pass: Number(pass[1]) };
}

export interface VerifyResult {
  readonly ok: boolean;
  readonly steps: readonly VerifyStepResult[];
  readonly logFile: string;
}

export type VerifyProgress =
  | { readonly event: "start"; readonly step: VerifyStepName }
  | { readonly event: "end"; readonly result: VerifyStepResult };

/**
 * Variables that describe *our* process's context rather than the user's: npm's INIT_CWD, and
 * node:test's NODE_TEST_CONTEXT, which makes a nested `node --test` skip every file (and exit 0).
 */
const INHERITED_CONTEXT = new Set(["INIT_CWD", "NODE_TEST_CONTEXT"]);

/**
 * The environment for the generated workspace's npm: ours, minus npm's own per-invocation variables
 * (set when ignite itself runs under npx or an npm script), which would otherwise leak our project's
 * settings into theirs.
 */
function workspaceEnv(): Record<string, string | undefined> {
  const env: Record<string, string | undefined> = { FORCE_COLOR: "0" };
  for (const [key, value] of Object.entries(process.env)) {
    if (!key.toLowerCase().startsWith("npm_") && !INHERITED_CONTEXT.has(key)) env[key] = value;
  }
  return env;
}

function run(
  cwd: string,
  args: readonly string[],
  logFile: string,
): Promise<{ code: number; output: string }> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn("npm", [...args], { cwd, env: workspaceEnv(), stdio: ["ignore", "pipe", "pipe"] });
    const chunks: Buffer[] = [];
    const collect = (chunk: Buffer): void => {
      chunks.push(chunk);
    };
    child.stdout.on("data", collect);
    child.stderr.on("data", collect);
    child.on("error", reject);
    child.on("close", (code) => {
      const output = Buffer.concat(chunks).toString("utf8");
      appendFile(logFile, `\n$ npm ${args.join(" ")}\n${output}`)
        .then(() => resolvePromise({ code: code ?? 1, output }))
        .catch(reject);
    });
  });
}

/** Runs install, typecheck, lint and test in `dir`; resolves with every step run so far. */
export async function verifyWorkspace(
  dir: string,
  onProgress: (progress: VerifyProgress) => void = () => {},
): Promise<VerifyResult> {
  const logFile = join(dir, ".allframe", "verify.log");
  await mkdir(join(dir, ".allframe"), { recursive: true });
  await writeFile(logFile, "");
  const steps: VerifyStepResult[] = [];
  for (const step of VERIFY_STEPS) {
    onProgress({ event: "start", step: step.name });
    const started = performance.now();
    const { code, output } = await run(dir, step.args, logFile);
    const counts = step.name === "test" ? testCounts(output) : undefined;
    const ranTests = step.name !== "test" || (counts !== undefined && counts.tests > 0);
    const tail = output.trimEnd().split("\n").slice(-40).join("\n");
    const result: VerifyStepResult = {
      name: step.name,
      ok: code === 0 && ranTests,
      durationMs: performance.now() - started,
      tail: ranTests ? tail : `${tail}\nno test ran: the test step reported no passing tests`,
      ...(counts === undefined ? {} : { testsPassed: counts.pass }),
    };
    steps.push(result);
    onProgress({ event: "end", result });
    if (!result.ok) return { ok: false, steps, logFile };
  }
  return { ok: true, steps, logFile };
}
