/**
 * Test helpers shared by the configuration layer's tests (not part of the public API): load an
 * inline TOML/YAML snippet and pick diagnostics by code.
 * @module
 */
import assert from "node:assert/strict";
import type { Diagnostic, DiagnosticCode } from "./diagnostic.ts";
import { type LoadResult, loadArchitectureText } from "./load.ts";

/** Loads `text` as `arch.toml` (or `arch.yaml` when `format` is yaml) with the given environment. */
export function loadInline(
  text: string,
  options: { format?: "toml" | "yaml"; env?: Record<string, string | undefined> } = {},
): LoadResult {
  const format = options.format ?? "toml";
  return loadArchitectureText(text, { file: `arch.${format}`, format, env: options.env ?? {} });
}

/** The diagnostics of `result` with `code`; fails the test when there are none. */
export function diagnosticsWith(result: LoadResult, code: DiagnosticCode): Diagnostic[] {
  const found = result.diagnostics.filter((d) => d.code === code);
  assert.ok(
    found.length > 0,
    `expected a ${code} diagnostic, got: ${JSON.stringify(result.diagnostics, null, 2)}`,
  );
  return found;
}

/** The single diagnostic of `result` with `code`; fails the test unless there is exactly one. */
export function onlyDiagnostic(result: LoadResult, code: DiagnosticCode): Diagnostic {
  const found = diagnosticsWith(result, code);
  assert.equal(found.length, 1, `expected one ${code} diagnostic, got ${found.length}`);
  return found[0] as Diagnostic;
}

/** Asserts `d` is at `line` (and `column` when given), 1-based. */
export function assertAt(d: Diagnostic, line: number, column?: number): void {
  assert.equal(d.location?.line, line, `line of ${d.code}: ${d.message}`);
  if (column !== undefined) assert.equal(d.location?.column, column, `column of ${d.code}: ${d.message}`);
}

/** `[architecture]` header shared by inline configs: lines 1–2. */
export const HEADER = '[architecture]\nname = "shop"\n';
