/**
 * `ignite`: configuration → resolver → validators → archetypes → assembler → emitter, as seed 000's
 * "Generator Pipeline" draws it. Errors stop the pipeline before anything is written; `dryRun` plans
 * and writes nothing; a file the user changed is never overwritten without `force`.
 * @module
 */
import { resolve } from "node:path";
import type { Diagnostic } from "../config/diagnostic.ts";
import { loadArchitectureFile } from "../config/load.ts";
import { formatTree } from "../post-process/format-tree.ts";
import { type EmitPlan, emit, planEmit } from "../tree/emitter.ts";
import { type Generated, type GenerateProgress, generateWorkspace } from "./generate.ts";

/** The generator's own name and version, recorded in the emit manifest. */
export const GENERATOR = "allframe@0.1.0";

export interface IgniteOptions {
  readonly configPath: string;
  readonly outDir: string;
  readonly dryRun?: boolean;
  readonly force?: boolean;
  readonly env?: Record<string, string | undefined>;
  readonly onProgress?: (progress: GenerateProgress) => void;
}

export type IgniteResult =
  | { readonly ok: false; readonly stage: "config"; readonly diagnostics: readonly Diagnostic[] }
  | {
      readonly ok: true;
      readonly diagnostics: readonly Diagnostic[];
      readonly generated: Generated;
      readonly plan: EmitPlan;
      readonly written: boolean;
      readonly generateMs: number;
    };

/**
 * Runs the pipeline. Returns diagnostics instead of throwing for bad configuration.
 * @throws EmitConflictError when files the user changed would be overwritten (nothing is written).
 */
export async function ignite(options: IgniteOptions): Promise<IgniteResult> {
  const loaded = await loadArchitectureFile(
    options.configPath,
    options.env === undefined ? {} : { env: options.env },
  );
  if (!loaded.ok) return { ok: false, stage: "config", diagnostics: loaded.diagnostics };
  const outDir = resolve(options.outDir);
  const started = performance.now();
  const warnings = loaded.diagnostics.filter((d) => d.severity === "warning");
  const raw = generateWorkspace(loaded.architecture, outDir, warnings, options.onProgress);
  const generated: Generated = { ...raw, tree: await formatTree(raw.tree) };
  const generateMs = performance.now() - started;
  const plan = await planEmit(generated.tree, outDir);
  if (options.dryRun === true) {
    return { ok: true, diagnostics: loaded.diagnostics, generated, plan, written: false, generateMs };
  }
  await emit(generated.tree, plan, {
    force: options.force === true,
    generator: GENERATOR,
    source: options.configPath,
  });
  return { ok: true, diagnostics: loaded.diagnostics, generated, plan, written: true, generateMs };
}
