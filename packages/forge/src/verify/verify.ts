/**
 * Verification, the pipeline's last stage (seed 000 "Generator Pipeline": compile, test): installs the
 * generated workspace, type-checks it, lints it and runs its tests (which fail under the workspace's
 * line-coverage threshold), stopping at the first failure; the test step reports the tests passed and
 * the total line coverage. Each step's full output goes to `.allframe/verify.log` in the workspace.
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
  /** For the test step: the share of the services' source lines the tests ran, in percent (0-100). */
  readonly lineCoverage?: number;
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

/**
 * Reads the total line coverage, in percent, from node:test's coverage report (spec `ℹ` or TAP `#`
 * lines): the "line %" column, found by its header, of the "all files" row. Undefined when the output
 * has no coverage report (coverage off) or its table is not in that shape.
 */
export function lineCoverage(output: string): number | undefined {
  const rows = output
    .split("\n")
    .map((line) => /^(?:ℹ|#) (.*\|.*)$/.exec(line.trimEnd())?.[1])
    .filter((row) => row !== undefined)
    .map((row) => row.split("|").map((cell) => cell.trim()));
  const column = rows.find((cells) => cells[0] === "file")?.indexOf("line %");
  const total = rows.findLast((cells) => cells[0] === "all files");
  if (column === undefined || column < 1 || total === undefined) return undefined;
  const cell = total[column];
  return cell !== undefined && /^\d+(?:\.\d+)?$/.test(cell) ? Number(cell) : undefined;
}

/**
 * The last 40 lines of a step's output; node:test prints a missed coverage threshold above its (long)
 * coverage table, so that line is put first when the 40 would cut it off.
 */
export function failureTail(output: string): string {
  const last = output.trimEnd().split("\n").slice(-40);
  const miss = /^(?:ℹ|#) Error: .*coverage does not meet threshold.*$/m.exec(output)?.[0];
  return (miss === undefined || last.includes(miss) ? last : [miss, ...last]).join("\n");
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
    const coverage = step.name === "test" ? lineCoverage(output) : undefined;
    const ranTests = step.name !== "test" || (counts !== undefined && counts.tests > 0);
    const tail = failureTail(output);
    const result: VerifyStepResult = {
      name: step.name,
      ok: code === 0 && ranTests,
      durationMs: performance.now() - started,
      tail: ranTests ? tail : `${tail}\nno test ran: the test step reported no passing tests`,
      ...(counts === undefined ? {} : { testsPassed: counts.pass }),
      ...(coverage === undefined ? {} : { lineCoverage: coverage }),
    };
    steps.push(result);
    onProgress({ event: "end", result });
    if (!result.ok) return { ok: false, steps, logFile };
  }
  return { ok: true, steps, logFile };
}
