/**
 * YAML front end: text → plain value plus the position of every key and value, using `yaml`
 * (YAML 1.2 core schema, so `on`/`yes` stay strings and dates stay strings).
 * @module
 */
import { isAlias, isMap, isScalar, isSeq, LineCounter, type Node, parseDocument, type YAMLError } from "yaml";
import type { Diagnostic, KeyPath } from "./diagnostic.ts";
import { LocationIndex } from "./location-index.ts";
import type { ParseResult } from "./parse.ts";

const HINT = "fix the YAML syntax at this position (reference: https://yaml.org/spec/1.2.2/)";

/**
 * Parses YAML text (one document). Never throws: parser errors become `syntax` errors and parser
 * warnings `syntax` warnings, each at its line and column.
 * @param file the file name used in locations.
 */
export function parseYaml(text: string, file: string): ParseResult {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const at = (offset: number) => {
    const { line, col } = lineCounter.linePos(offset);
    return { file, line, column: col };
  };
  const report = (severity: Diagnostic["severity"], e: YAMLError): Diagnostic => ({
    severity,
    code: "syntax",
    message: `invalid YAML: ${e.message}`,
    path: [],
    location: at(e.pos[0]),
    hint: HINT,
  });
  const warnings = doc.warnings.map((w) => report("warning", w));
  if (doc.errors.length > 0) {
    return { ok: false, diagnostics: [...doc.errors.map((e) => report("error", e)), ...warnings] };
  }
  let value: unknown;
  try {
    // toJS throws on alias bombs (more than maxAliasCount expansions) and unresolved aliases.
    value = doc.toJS({ maxAliasCount: 100 });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const diagnostic: Diagnostic = {
      severity: "error",
      code: "syntax",
      message: `invalid YAML: ${message}`,
      path: [],
      location: { file, line: 1, column: 1 },
      hint: HINT,
    };
    return { ok: false, diagnostics: [diagnostic, ...warnings] };
  }
  const index = new LocationIndex(file);
  const record = (path: KeyPath, part: "key" | "value", offset: number): void => {
    const { line, column } = at(offset);
    if (part === "key") index.setKey(path, line, column);
    else index.setValue(path, line, column);
  };
  indexNode(doc.contents, [], record);
  return { ok: true, document: { format: "yaml", value, locate: index.locate }, diagnostics: warnings };
}

type Recorder = (path: KeyPath, part: "key" | "value", offset: number) => void;

function indexNode(node: Node | null, path: KeyPath, record: Recorder): void {
  if (node === null || isAlias(node)) return;
  // An empty value (`messaging:`) is a null scalar whose range sits at the end of the key; pointing
  // at the key is more useful, so only real values are recorded.
  if (node.range && !(isScalar(node) && node.value === null)) record(path, "value", node.range[0]);
  if (isMap(node)) {
    for (const pair of node.items) {
      const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
      const keyPath = [...path, key];
      if (isScalar(pair.key) && pair.key.range) record(keyPath, "key", pair.key.range[0]);
      indexNode(isNode(pair.value) ? pair.value : null, keyPath, record);
    }
  } else if (isSeq(node)) {
    node.items.forEach((item, i) => {
      indexNode(isNode(item) ? item : null, [...path, i], record);
    });
  }
}

function isNode(value: unknown): value is Node {
  return isScalar(value) || isMap(value) || isSeq(value) || isAlias(value);
}
