/**
 * Verification, the pipeline's last stage (seed 000 "Generator Pipeline": compile, test): installs the
 * generated workspace, type-checks it, lints it and runs its tests, stopping at the first failure.
 * Each step's full output goes to `.allframe/verify.log` in the workspace.
 * @module
 */
import { appendFile, mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { runInWorkspace } from "./workspace-process.ts";

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

/** Runs `npm args` in the workspace and appends the command and its output to `logFile`. */
async function run(
  cwd: string,
  args: readonly string[],
  logFile: string,
): Promise<{ code: number; output: string }> {
  const result = await runInWorkspace(cwd, "npm", args);
  await appendFile(logFile, `\n$ npm ${args.join(" ")}\n${result.output}`);
  return result;
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
