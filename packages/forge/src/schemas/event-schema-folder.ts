/**
 * Reads an architecture's event schemas: the `events/` folder next to the architecture file, one
 * `<EventName>.v<N>.json` JSON Schema per version (the local schema registry's layout, so the folder
 * can be served as-is by `LocalSchemaRegistry`). No folder → no schemas, nothing reported.
 * @module
 */
import { readdir, readFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import type { Diagnostic } from "../config/diagnostic.ts";
import type { Locator } from "../config/location-index.ts";
import { parseYaml } from "../config/parse-yaml.ts";

/** `OrderPlaced.v2.json` → event `OrderPlaced`, version 2. */
export const EVENT_SCHEMA_FILE = /^(?<event>[A-Za-z0-9][A-Za-z0-9._-]*)\.v(?<version>[1-9][0-9]*)\.json$/;

/** The folder name, next to the architecture file. */
export const EVENTS_FOLDER = "events";

/** One parsed schema file. `file` is printed in locations; `locate` maps a key path to line:column. */
export interface EventSchemaFile {
  event: string;
  version: number;
  file: string;
  schema: unknown;
  locate: Locator;
}

/**
 * Reads every `.json` file of `<dir of configFile>/events/`. A `.json` file whose name does not
 * follow the convention is an `invalid-event-schema` warning; a file that is not JSON is an
 * `invalid-event-schema` error at the syntax error. Other files are ignored. Never throws.
 */
export async function readEventSchemaFolder(
  configFile: string,
): Promise<{ files: EventSchemaFile[]; diagnostics: Diagnostic[] }> {
  const folder = join(dirname(configFile), EVENTS_FOLDER);
  let names: string[];
  try {
    names = (await readdir(folder)).filter((n) => n.endsWith(".json")).sort();
  } catch {
    return { files: [], diagnostics: [] }; // no events/ folder: the architecture has no event schemas
  }
  const files: EventSchemaFile[] = [];
  const diagnostics: Diagnostic[] = [];
  for (const name of names) {
    const file = join(folder, name);
    const match = EVENT_SCHEMA_FILE.exec(name);
    if (match?.groups === undefined) {
      diagnostics.push({
        severity: "warning",
        code: "invalid-event-schema",
        message: `"${name}" is not named <EventName>.v<N>.json, so it is not read as an event schema`,
        path: [],
        location: { file, line: 1, column: 1 },
        hint: `rename it, e.g. "OrderPlaced.v1.json" (versions start at 1)`,
      });
      continue;
    }
    const text = await readFile(file, "utf8");
    const problem = jsonProblem(text);
    const parsed = problem === undefined ? parseYaml(text, file) : undefined; // YAML ⊇ JSON, with positions
    if (parsed === undefined || !parsed.ok || !isObject(parsed.document.value)) {
      diagnostics.push({
        severity: "error",
        code: "invalid-event-schema",
        message: `${name} is not a JSON Schema object${problem ? `: ${problem.message}` : ""}`,
        path: [],
        location: { file, line: problem?.line ?? 1, column: problem?.column ?? 1 },
        hint: 'write a JSON object such as {"type": "object", "properties": {...}}; z.toJSONSchema(schema) produces one',
      });
      continue;
    }
    const { event = "", version = "" } = match.groups;
    files.push({
      event,
      version: Number(version),
      file,
      schema: parsed.document.value,
      locate: parsed.document.locate,
    });
  }
  return { files, diagnostics };
}

function isObject(value: unknown): boolean {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** JSON.parse's complaint, with the line and column Node reports ("... (line 2 column 11)"). */
function jsonProblem(text: string): { message: string; line?: number; column?: number } | undefined {
  try {
    JSON.parse(text);
    return undefined;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const at = /\(line (\d+) column (\d+)\)/.exec(message);
    return at ? { message, line: Number(at[1]), column: Number(at[2]) } : { message };
  }
}
