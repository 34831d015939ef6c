/**
 * Diagnostics: what the configuration layer reports about an `architecture.toml`/`.yaml`, as data,
 * plus the pure functions that print them the way a compiler does (`file:line:column`, the key path,
 * what is wrong, what to do).
 *
 * Source: house style rule 8 ("config, diagnostics and CLI output speak the user's language"); the
 * shape follows zod v4's issues (errors are data keyed on `code`).
 * @module
 */

/** How bad a diagnostic is: an `error` stops generation, a `warning` does not. */
export type Severity = "error" | "warning";

/** A position in the configuration file. `line` and `column` are 1-based, as editors show them. */
export interface SourceLocation {
  file: string;
  line: number;
  column: number;
}

/**
 * Every diagnostic code the configuration layer emits, one per distinct problem, so tools and tests
 * can match on `code` instead of on message text.
 */
export const DIAGNOSTIC_CODES = [
  "syntax",
  "read-error",
  "internal-error",
  "unknown-format",
  "schema",
  "unknown-key",
  "unknown-service-type",
  "duplicate-service",
  "invalid-service-name",
  "invalid-architecture-name",
  "bff-unknown-service",
  "bff-self-reference",
  "event-without-publisher",
  "port-collision",
  "port-mismatch",
  "invalid-port",
  "invalid-cron",
  "invalid-timezone",
  "saga-mismatch",
  "saga-unknown-participant",
  "non-positive-timeout",
  "no-services",
  "missing-section",
  "unset-variable",
  "invalid-interpolation",
  "deploy-time-input",
  "invalid-event-schema",
  "incompatible-event-schema",
] as const;

/** One of {@link DIAGNOSTIC_CODES}. */
export type DiagnosticCode = (typeof DIAGNOSTIC_CODES)[number];

/** A key path into the configuration: object keys and array indices, e.g. `["services", 1, "type"]`. */
export type KeyPath = readonly (string | number)[];

/**
 * One problem found in a configuration file.
 *
 * - `path`: where in the document (empty for the whole file).
 * - `location`: where in the text, when the file was parsed far enough to know.
 * - `hint`: what to do about it, one line (may be empty when there is nothing to add).
 * - `service`: the name of the service `path` goes through (`services[i]`), so paths print as
 *   `services[1] (web-bff).bff.aggregates[2]`.
 */
export interface Diagnostic {
  severity: Severity;
  code: DiagnosticCode;
  message: string;
  path: (string | number)[];
  location?: SourceLocation;
  hint: string;
  service?: string;
}

/**
 * Prints a key path the way a TypeScript reader writes it: `services[1].bff.aggregates[2]`.
 * Keys that are not identifiers are quoted (`jobs["daily report"]`). When `service` is given and
 * the path starts with `services[i]`, the name follows the index: `services[1] (web-bff).type`.
 * @returns `""` for the empty path.
 */
export function formatPath(path: KeyPath, service?: string): string {
  let out = "";
  path.forEach((segment, i) => {
    if (typeof segment === "number") out += `[${segment}]`;
    else if (/^[A-Za-z_][A-Za-z0-9_-]*$/.test(segment)) out += i === 0 ? segment : `.${segment}`;
    else out += `[${JSON.stringify(segment)}]`;
    if (i === 1 && path[0] === "services" && typeof segment === "number" && service !== undefined) {
      out += ` (${service})`;
    }
  });
  return out;
}

/**
 * Formats one diagnostic as one line, plus a second line with the hint when there is one:
 *
 * ```text
 * examples/architecture.toml:132:8 error[unknown-service-type] services[1] (web-bff).type: unknown service type "statless"
 *   → did you mean "stateless"? Valid types: stateless, event-sourced, ...
 * ```
 * Without a location the line starts at the severity; without a path the message follows directly.
 */
export function formatDiagnostic(d: Diagnostic): string {
  const where = d.location ? `${d.location.file}:${d.location.line}:${d.location.column} ` : "";
  const path = formatPath(d.path, d.service);
  const head = `${where}${d.severity}[${d.code}] ${path ? `${path}: ` : ""}${d.message}`;
  return d.hint ? `${head}\n  → ${d.hint}` : head;
}

/**
 * Formats a list of diagnostics, one block each in the given order, followed by a summary line such
 * as `2 errors, 3 warnings`.
 */
export function formatDiagnostics(list: readonly Diagnostic[]): string {
  const errors = list.filter((d) => d.severity === "error").length;
  const warnings = list.length - errors;
  const summary = `${plural(errors, "error")}, ${plural(warnings, "warning")}`;
  return [...list.map(formatDiagnostic), summary].join("\n");
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? "" : "s"}`;
}

/** True when at least one diagnostic is an error (generation must stop). */
export function hasErrors(list: readonly Diagnostic[]): boolean {
  return list.some((d) => d.severity === "error");
}

/**
 * Sorts diagnostics by file, line, then column; diagnostics without a location come last. The sort
 * is stable, so diagnostics at the same place keep the order the pipeline produced them in.
 * @returns a new array.
 */
export function sortDiagnostics(list: readonly Diagnostic[]): Diagnostic[] {
  return [...list].sort((a, b) => {
    if (!a.location || !b.location) return (a.location ? 0 : 1) - (b.location ? 0 : 1);
    if (a.location.file !== b.location.file) return a.location.file < b.location.file ? -1 : 1;
    return a.location.line - b.location.line || a.location.column - b.location.column;
  });
}
