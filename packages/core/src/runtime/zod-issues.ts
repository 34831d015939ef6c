/**
 * Converts zod issues into AllFrame error issues, so config and request validation report problems
 * the same way (house style rule 3: errors are data).
 * @module
 */
import type { z } from "zod";
import type { ErrorIssue } from "../errors/allframe-error.ts";

/** Turns zod issues into `{ path, message }` issues; symbol path keys become their description. */
export function toErrorIssues(issues: ReadonlyArray<z.core.$ZodIssue>): ErrorIssue[] {
  return issues.map((issue) => ({
    path: issue.path.map((key) => (typeof key === "symbol" ? (key.description ?? "symbol") : key)),
    message: issue.message,
  }));
}

/** Formats a path as `items[0].sku`; the empty path is `(root)`. */
export function formatIssuePath(path: ReadonlyArray<string | number>): string {
  if (path.length === 0) return "(root)";
  return path.reduce<string>(
    (out, key) => (typeof key === "number" ? `${out}[${key}]` : out === "" ? key : `${out}.${key}`),
    "",
  );
}

/** Formats issues as `path: message; path: message`. */
export function formatIssues(issues: ReadonlyArray<ErrorIssue>): string {
  return issues.map((issue) => `${formatIssuePath(issue.path)}: ${issue.message}`).join("; ");
}
