/**
 * `allframe ignite --config F [--out D] [--dry-run] [--force] [--verify]`: generates the workspace.
 * Errors in the config write nothing (exit 1); conflicts with files the user changed write nothing
 * and are named (exit 1); `--verify` installs, type-checks, lints and tests the result.
 * @module
 */
import { basename, relative, resolve } from "node:path";
import {
  EmitConflictError,
  formatDiagnostics,
  ignite,
  summarizePlan,
  verifyWorkspace,
} from "@allframe/forge";
import { type CliIo, duration } from "../io.ts";

export interface IgniteCommandOptions {
  readonly config: string;
  readonly out?: string;
  readonly dryRun: boolean;
  readonly force: boolean;
  readonly verify: boolean;
}

export async function igniteCommand(options: IgniteCommandOptions, io: CliIo): Promise<number> {
  const configPath = resolve(io.cwd, options.config);
  const outDir = resolve(io.cwd, options.out ?? basename(configPath).replace(/\.(toml|ya?ml)$/, ""));
  io.out(
    `allframe ignite: ${options.config} → ${relative(io.cwd, outDir) || "."}${options.dryRun ? " (dry run)" : ""}`,
  );
  let result: Awaited<ReturnType<typeof ignite>>;
  try {
    result = await ignite({
      configPath,
      outDir,
      dryRun: options.dryRun,
      force: options.force,
      env: io.env,
      onProgress: (p) =>
        io.out(`  generating [${String(p.index + 1).padStart(2)}/${p.total}] ${p.service} (${p.type})`),
    });
  } catch (error) {
    if (error instanceof EmitConflictError) {
      io.err(error.message);
      return 1;
    }
    throw error;
  }
  if (result.diagnostics.length > 0) io.err(formatDiagnostics(result.diagnostics));
  if (!result.ok) {
    io.err("Nothing was written. Fix the errors above and run ignite again.");
    return 1;
  }
  const counts = summarizePlan(result.plan);
  if (options.dryRun) {
    for (const change of result.plan.changes)
      io.out(`  ${change.kind.padEnd(9)} ${change.path}${change.reason ? `  (${change.reason})` : ""}`);
  }
  io.out(
    `  ${result.plan.changes.length} files: ${counts.create} create, ${counts.update} update, ${counts.unchanged} unchanged` +
      `${counts.conflict > 0 ? `, ${counts.conflict} conflict` : ""} (generated in ${duration(result.generateMs)})`,
  );
  if (!result.written) {
    io.out("  dry run: nothing was written.");
    return counts.conflict > 0 ? 1 : 0;
  }
  io.out(`  wrote ${outDir}`);
  if (options.verify) {
    io.out("verify:");
    const verified = await verifyWorkspace(outDir, (p) => {
      if (p.event === "start") {
        io.out(`  ${p.step.padEnd(9)} running...`);
        return;
      }
      const { name, ok, durationMs, testsPassed, lineCoverage } = p.result;
      const tests = testsPassed === undefined ? "" : `, ${testsPassed} tests passed`;
      const coverage = lineCoverage === undefined ? "" : `, ${lineCoverage}% of lines covered`;
      io.out(`  ${name.padEnd(9)} ${ok ? "ok" : "FAILED"} (${duration(durationMs)}${coverage}${tests})`);
    });
    if (!verified.ok) {
      const failed = verified.steps.at(-1);
      io.err(
        `verification failed at ${failed?.name}; last lines (full log: ${verified.logFile}):\n${failed?.tail ?? ""}`,
      );
      return 1;
    }
    io.out(`✔ ${result.generated.services.length} services generated and verified.`);
  } else {
    io.out(`✔ ${result.generated.services.length} services generated.`);
  }
  io.out(`next: cd ${relative(io.cwd, outDir) || "."} && npm install && npm run dev`);
  return 0;
}
