/**
 * The parsing stage: configuration text (TOML or YAML) → a plain value and a {@link Locator}, or
 * `syntax` diagnostics. Nothing here knows the architecture schema.
 *
 * Source: seed 000 "Phase 1" (TOML input; YAML accepted as an equivalent).
 * @module
 */
import type { Diagnostic } from "./diagnostic.ts";
import type { Locator } from "./location-index.ts";
import { parseToml } from "./parse-toml.ts";
import { parseYaml } from "./parse-yaml.ts";

/** The two accepted file formats. */
export const CONFIG_FORMATS = ["toml", "yaml"] as const;
/** One of {@link CONFIG_FORMATS}. */
export type ConfigFormat = (typeof CONFIG_FORMATS)[number];

/** A parsed configuration file: its plain value (not yet validated) and where each key is written. */
export interface ParsedDocument {
  format: ConfigFormat;
  value: unknown;
  locate: Locator;
}

/**
 * What {@link parseArchitectureText} returns. `diagnostics` holds parser warnings on success and at
 * least one `syntax` (or `unknown-format`) error on failure.
 */
export type ParseResult =
  | { ok: true; document: ParsedDocument; diagnostics: Diagnostic[] }
  | { ok: false; diagnostics: Diagnostic[] };

/** Options of {@link parseArchitectureText}. */
export interface ParseOptions {
  /** File name used in locations and to infer the format. */
  file: string;
  /** Overrides the format inferred from the extension. */
  format?: ConfigFormat;
}

/**
 * The format implied by a file name: `.toml` → toml, `.yaml`/`.yml` → yaml (case-insensitive),
 * anything else → `undefined`.
 */
export function formatFromFile(file: string): ConfigFormat | undefined {
  const lower = file.toLowerCase();
  if (lower.endsWith(".toml")) return "toml";
  if (lower.endsWith(".yaml") || lower.endsWith(".yml")) return "yaml";
  return undefined;
}

/**
 * Parses an architecture file's text. Never throws: syntax errors come back as diagnostics with the
 * parser's line and column, and an unknown extension (without `format`) as `unknown-format`.
 */
export function parseArchitectureText(text: string, options: ParseOptions): ParseResult {
  const format = options.format ?? formatFromFile(options.file);
  if (format === "toml") return parseToml(text, options.file);
  if (format === "yaml") return parseYaml(text, options.file);
  return {
    ok: false,
    diagnostics: [
      {
        severity: "error",
        code: "unknown-format",
        message: `cannot tell the format of "${options.file}" from its extension`,
        path: [],
        hint: "name the file *.toml, *.yaml or *.yml, or pass the format explicitly",
      },
    ],
  };
}
