/**
 * The public entry of the configuration layer: text or file in, a resolved architecture plus every
 * diagnostic out. Pipeline: parse → interpolate → unknown keys + schema → semantic validators →
 * resolve.
 *
 * Source: seed 000 "Phase 1" (configuration → resolver → validators); DESIGN.md pipeline.
 * @module
 */
import { readFile } from "node:fs/promises";
import { validateEventSchemaFolder } from "../schemas/check-event-schemas.ts";
import { type Diagnostic, hasErrors, sortDiagnostics } from "./diagnostic.ts";
import { type Environment, interpolate } from "./interpolate.ts";
import { type ConfigFormat, parseArchitectureText } from "./parse.ts";
import { type ResolvedArchitecture, resolveArchitecture } from "./resolve.ts";
import { createValidationContext } from "./validate/context.ts";
import { validateSemantics } from "./validate/index.ts";
import { validateSchema } from "./validate/schema-issues.ts";
import { validateUnknownKeys } from "./validate/unknown-keys.ts";

/**
 * The outcome of loading: `ok` is false exactly when some diagnostic is an error. Diagnostics
 * (warnings included) are sorted by location.
 */
export type LoadResult =
  | { ok: true; architecture: ResolvedArchitecture; diagnostics: Diagnostic[] }
  | { ok: false; diagnostics: Diagnostic[] };

/** Options of {@link loadArchitectureText}. */
export interface LoadTextOptions {
  /** File name for locations and format inference (`.toml`, `.yaml`, `.yml`). */
  file: string;
  format?: ConfigFormat;
  /** Variables for `${VAR}` interpolation; defaults to `process.env`. */
  env?: Environment;
}

/** Options of {@link loadArchitectureFile}. */
export interface LoadFileOptions {
  /** Variables for `${VAR}` interpolation; defaults to `process.env`. */
  env?: Environment;
  /** Overrides the format inferred from the extension. */
  format?: ConfigFormat;
}

/**
 * Loads an architecture from text. Never throws on bad input: every problem is a diagnostic.
 * Semantic validators run only once the schema holds (they rely on its types); unknown-key warnings
 * are reported either way.
 */
export function loadArchitectureText(text: string, opts: LoadTextOptions): LoadResult {
  try {
    return runPipeline(text, opts);
  } catch (error) {
    // A throw here is a bug in this layer, not in the user's file; it still must not crash the CLI,
    // so it becomes an error that says so and carries the original message.
    const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
    return {
      ok: false,
      diagnostics: [
        {
          severity: "error",
          code: "internal-error",
          message: `the configuration loader failed unexpectedly: ${message}`,
          path: [],
          hint: "this is a bug in AllFrame; please report it with the configuration file that triggers it",
        },
      ],
    };
  }
}

function runPipeline(text: string, opts: LoadTextOptions): LoadResult {
  const parsed = parseArchitectureText(text, { file: opts.file, format: opts.format });
  if (!parsed.ok) return { ok: false, diagnostics: sortDiagnostics(parsed.diagnostics) };
  const { document } = parsed;
  const ctx = createValidationContext(opts.file, document.locate, document.value);
  const interpolated = interpolate(document.value, opts.env ?? process.env, ctx);
  const diagnostics = [
    ...parsed.diagnostics,
    ...interpolated.diagnostics,
    ...validateUnknownKeys(interpolated.value, ctx),
  ];
  const schema = validateSchema(interpolated.value, ctx);
  if (!schema.ok) return { ok: false, diagnostics: sortDiagnostics([...diagnostics, ...schema.diagnostics]) };
  diagnostics.push(...validateSemantics(schema.architecture, ctx));
  const sorted = sortDiagnostics(diagnostics);
  if (hasErrors(sorted)) return { ok: false, diagnostics: sorted };
  const architecture = resolveArchitecture(schema.architecture, {
    source: { file: opts.file, format: document.format },
    deployInputs: interpolated.deployInputs,
  });
  return { ok: true, architecture, diagnostics: sorted };
}

/**
 * Reads and loads an architecture file. A file that cannot be read (missing, a directory, no
 * permission) is a `read-error` diagnostic, not a thrown error. `path` is also the file name printed
 * in locations.
 */
export async function loadArchitectureFile(path: string, opts: LoadFileOptions = {}): Promise<LoadResult> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    return { ok: false, diagnostics: [readError(path, error)] };
  }
  const loaded = loadArchitectureText(text, { file: path, ...opts });
  // Event schemas live beside the file (events/<Name>.v<N>.json); the BACKWARD check needs the disk.
  const schemaDiagnostics = await validateEventSchemaFolder(path);
  if (schemaDiagnostics.length === 0) return loaded;
  const diagnostics = sortDiagnostics([...loaded.diagnostics, ...schemaDiagnostics]);
  return loaded.ok && !hasErrors(schemaDiagnostics) ? { ...loaded, diagnostics } : { ok: false, diagnostics };
}

function readError(path: string, error: unknown): Diagnostic {
  const code = typeof error === "object" && error !== null && "code" in error ? String(error.code) : "";
  const reasons: Record<string, string> = {
    ENOENT: "no such file",
    EISDIR: "it is a directory",
    EACCES: "permission denied",
  };
  const reason = reasons[code] ?? (error instanceof Error ? error.message : String(error));
  return {
    severity: "error",
    code: "read-error",
    message: `cannot read "${path}": ${reason}`,
    path: [],
    hint: "check the path given to --config (relative paths start from the current directory)",
  };
}
