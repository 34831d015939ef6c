/**
 * The BACKWARD rules for JSON Schema's bound keywords (numbers, strings, arrays, objects): a reader
 * may loosen a bound, never tighten one.
 *
 * Source: Confluent Schema Registry JSON Schema compatibility rules MAX_LENGTH_DECREASED,
 * MIN_LENGTH_INCREASED, PATTERN_ADDED/CHANGED, MAXIMUM_DECREASED, MINIMUM_INCREASED,
 * EXCLUSIVE_*, MULTIPLE_OF_*, MAX_ITEMS_DECREASED, MIN_ITEMS_INCREASED, UNIQUE_ITEMS_ADDED,
 * MAX_PROPERTIES_DECREASED, MIN_PROPERTIES_INCREASED.
 * @module
 */
import type { JSONSchemaObject } from "./json-schema.ts";

/** A tightened keyword: the keyword of `next`, the problem code and what changed. */
export interface NarrowedKeyword {
  keyword: string;
  code: "range-narrowed" | "pattern-changed" | "format-changed";
  message: string;
}

/** Lower bounds: a reader may lower them (or drop them), never raise or add them. */
const LOWER_BOUNDS = ["minimum", "exclusiveMinimum", "minLength", "minItems", "minProperties"] as const;
/** Upper bounds: a reader may raise them (or drop them), never lower or add them. */
const UPPER_BOUNDS = ["maximum", "exclusiveMaximum", "maxLength", "maxItems", "maxProperties"] as const;

/**
 * Every bound, `multipleOf`, `uniqueItems`, `pattern` and `format` that `next` tightens compared with
 * `prev`. Pure; never throws. Numbers only: a non-numeric bound is ignored.
 */
export function narrowedKeywords(prev: JSONSchemaObject, next: JSONSchemaObject): NarrowedKeyword[] {
  const out: NarrowedKeyword[] = [];
  for (const keyword of LOWER_BOUNDS) {
    const [before, after] = [num(prev[keyword]), num(next[keyword])];
    if (after !== undefined && (before === undefined || after > before)) {
      out.push({ keyword, code: "range-narrowed", message: bound(keyword, before, after, "raised") });
    }
  }
  for (const keyword of UPPER_BOUNDS) {
    const [before, after] = [num(prev[keyword]), num(next[keyword])];
    if (after !== undefined && (before === undefined || after < before)) {
      out.push({ keyword, code: "range-narrowed", message: bound(keyword, before, after, "lowered") });
    }
  }
  const [step, newStep] = [num(prev.multipleOf), num(next.multipleOf)];
  if (newStep !== undefined && (step === undefined || !isMultiple(step, newStep))) {
    out.push({
      keyword: "multipleOf",
      code: "range-narrowed",
      message: bound("multipleOf", step, newStep, "changed"),
    });
  }
  if (next.uniqueItems === true && prev.uniqueItems !== true) {
    out.push({
      keyword: "uniqueItems",
      code: "range-narrowed",
      message: "uniqueItems added: arrays with repeated items are rejected now",
    });
  }
  for (const keyword of ["pattern", "format"] as const) {
    const [before, after] = [prev[keyword], next[keyword]];
    if (after !== undefined && after !== before) {
      const message =
        before === undefined
          ? `${keyword} ${JSON.stringify(after)} added`
          : `${keyword} changed from ${JSON.stringify(before)} to ${JSON.stringify(after)}`;
      out.push({ keyword, code: keyword === "pattern" ? "pattern-changed" : "format-changed", message });
    }
  }
  return out;
}

function num(value: unknown): number | undefined {
  return typeof value === "number" && Number.isFinite(value) ? value : undefined;
}

// Every multiple of `step` is a multiple of `newStep` exactly when step / newStep is an integer.
function isMultiple(step: number, newStep: number): boolean {
  const ratio = step / newStep;
  return Math.abs(ratio - Math.round(ratio)) < 1e-9;
}

function bound(keyword: string, before: number | undefined, after: number, verb: string): string {
  return before === undefined ? `${keyword} ${after} added` : `${keyword} ${verb} from ${before} to ${after}`;
}
