/**
 * What every validator (and the interpolation stage) needs besides the configuration itself: the
 * file, where each key is written, and the service names used to label paths.
 * @module
 */
import type { Diagnostic, DiagnosticCode, KeyPath, Severity } from "../diagnostic.ts";
import type { LocatePart, Locator } from "../location-index.ts";

/**
 * The shared context of the validators.
 * - `locate`: see {@link Locator}; `() => undefined` for values that did not come from a file.
 * - `serviceNames[i]`: the `name` written in `services[i]`, when it is a string.
 */
export interface ValidationContext {
  file: string;
  locate: Locator;
  serviceNames: readonly (string | undefined)[];
}

/** A validator: a pure function from a schema-valid architecture to its diagnostics. */
export type Validator<A> = (architecture: A, ctx: ValidationContext) => Diagnostic[];

/**
 * Builds a {@link ValidationContext} from the raw (parsed, not yet validated) value, reading service
 * names defensively since nothing about `raw` is known yet.
 */
export function createValidationContext(file: string, locate: Locator, raw: unknown): ValidationContext {
  const services = isRecord(raw) && Array.isArray(raw.services) ? (raw.services as unknown[]) : [];
  const serviceNames = services.map((s) => (isRecord(s) && typeof s.name === "string" ? s.name : undefined));
  return { file, locate, serviceNames };
}

/** What a validator says about one problem; {@link report} adds location and service label. */
export interface Finding {
  severity: Severity;
  code: DiagnosticCode;
  path: KeyPath;
  message: string;
  hint: string;
  /** Point at the key instead of the value (for unknown or misplaced keys). Default `"value"`. */
  part?: LocatePart;
}

/** Turns a {@link Finding} into a {@link Diagnostic} located in the file and labelled with its service. */
export function report(ctx: ValidationContext, finding: Finding): Diagnostic {
  const { part, path, ...rest } = finding;
  const diagnostic: Diagnostic = { ...rest, path: [...path] };
  const location = ctx.locate(path, part);
  if (location) diagnostic.location = location;
  if (path[0] === "services" && typeof path[1] === "number") {
    const name = ctx.serviceNames[path[1]];
    if (name !== undefined) diagnostic.service = name;
  }
  return diagnostic;
}

/** True for plain objects (parsed tables/maps), false for arrays, null and scalars. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value) && !(value instanceof Date);
}
