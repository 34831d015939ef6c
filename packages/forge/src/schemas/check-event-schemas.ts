/**
 * The validation-time BACKWARD check: for each event, version N+1 must read what version N wrote.
 * Reports located diagnostics in the newer schema file (file:line:column and the JSON Pointer).
 *
 * Source: issue 4 item 6; Confluent Schema Registry compatibility type BACKWARD.
 * @module
 */

import {
  type CompatibilityProblemCode,
  checkBackwardCompatible,
  type JSONSchema,
} from "@allframe/core/schemas";
import type { Diagnostic } from "../config/diagnostic.ts";
import { type EventSchemaFile, readEventSchemaFolder } from "./event-schema-folder.ts";

/** What to do about each kind of incompatibility, one line. */
const HINTS: Record<CompatibilityProblemCode, string> = {
  "type-narrowed": 'keep the old type in the list (e.g. ["string", "null"]) or publish a new event type',
  "required-property-added": "give the property a default, or leave it out of required",
  "optional-became-required": "keep it optional, or give it a default",
  "property-removed-from-closed-model":
    "keep the property (it may be ignored), or set additionalProperties to true",
  "additional-properties-narrowed": "keep additionalProperties open in the new version",
  "property-added-to-open-model":
    "set additionalProperties to false in the previous version, or accept the property's old values",
  "enum-narrowed": "keep every old value in the enum; retire values with a new event type",
  "range-narrowed": "keep the old bound or a looser one",
  "pattern-changed": "keep the old pattern, or widen it so old values still match",
  "format-changed": "keep the old format",
  "combined-schema-narrowed": "keep a branch that accepts what the previous version allowed",
  "schema-rejects-all": "a schema of false accepts nothing; describe the event instead",
};

/** Checks consecutive versions of each event; versions must run 1, 2, 3 without gaps. Pure. */
export function checkEventSchemas(files: readonly EventSchemaFile[]): Diagnostic[] {
  const byEvent = new Map<string, EventSchemaFile[]>();
  for (const f of files) byEvent.set(f.event, [...(byEvent.get(f.event) ?? []), f]);
  const out: Diagnostic[] = [];
  for (const [event, versions] of [...byEvent].sort(([a], [b]) => (a < b ? -1 : 1))) {
    versions.sort((a, b) => a.version - b.version);
    versions.forEach((current, i) => {
      if (current.version !== i + 1) {
        out.push({
          severity: "error",
          code: "invalid-event-schema",
          message: `${event} has v${current.version} but no v${i + 1}`,
          path: [],
          location: { file: current.file, line: 1, column: 1 },
          hint: `number the versions of ${event} 1, 2, 3, ... without gaps`,
        });
        return;
      }
      const previous = versions[i - 1];
      if (previous === undefined || previous.version !== i) return;
      const result = checkBackwardCompatible(previous.schema as JSONSchema, current.schema as JSONSchema);
      for (const problem of result.problems) {
        const path = problem.path
          .split("/")
          .slice(1)
          .map((s) => s.replaceAll("~1", "/").replaceAll("~0", "~"));
        const location = current.locate(path) ?? { file: current.file, line: 1, column: 1 };
        out.push({
          severity: "error",
          code: "incompatible-event-schema",
          message: `${event} v${current.version} is not BACKWARD compatible with v${previous.version} at ${problem.path || "/"}: ${problem.message}`,
          path,
          location,
          hint: `${HINTS[problem.code]}; consumers on v${current.version} must read events written with v${previous.version}`,
        });
      }
    });
  }
  return out;
}

/**
 * Reads `events/` next to `configFile` and checks it: every diagnostic of
 * {@link readEventSchemaFolder} and {@link checkEventSchemas}. Never throws.
 */
export async function validateEventSchemaFolder(configFile: string): Promise<Diagnostic[]> {
  const { files, diagnostics } = await readEventSchemaFolder(configFile);
  return [...diagnostics, ...checkEventSchemas(files)];
}
