/**
 * TOML front end: text → plain value plus the position of every key and value, using
 * `toml-eslint-parser` (a TOML 1.0 parser that keeps a full AST with locations).
 * @module
 */
import { type AST, getStaticTOMLValue, ParseError, parseTOML } from "toml-eslint-parser";
import type { Diagnostic, KeyPath } from "./diagnostic.ts";
import { LocationIndex } from "./location-index.ts";
import type { ParseResult } from "./parse.ts";

/**
 * Parses TOML text. Never throws: a syntax error becomes one `syntax` diagnostic at the parser's
 * line and column.
 * @param file the file name used in locations.
 */
export function parseToml(text: string, file: string): ParseResult {
  let ast: AST.TOMLProgram;
  try {
    ast = parseTOML(text);
  } catch (error) {
    return { ok: false, diagnostics: [tomlSyntaxDiagnostic(error, file)] };
  }
  const index = new LocationIndex(file);
  for (const node of ast.body[0].body) {
    if (node.type === "TOMLKeyValue") indexKeyValue(index, node, []);
    else indexTable(index, node);
  }
  return {
    ok: true,
    document: { format: "toml", value: getStaticTOMLValue(ast), locate: index.locate },
    diagnostics: [],
  };
}

function tomlSyntaxDiagnostic(error: unknown, file: string): Diagnostic {
  // Anything else the parser throws is still a statement about this text, so it is reported the same
  // way (at the top of the file) rather than escaping the loader.
  const located = error instanceof ParseError;
  return {
    severity: "error",
    code: "syntax",
    message: `invalid TOML: ${error instanceof Error ? error.message : String(error)}`,
    path: [],
    location: located
      ? { file, line: error.lineNumber, column: error.column + 1 }
      : { file, line: 1, column: 1 },
    hint: "fix the TOML syntax at this position (reference: https://toml.io/en/v1.0.0)",
  };
}

/** `[a.b]` and `[[a.b]]` headers: `resolvedKey` already carries the array indices. */
function indexTable(index: LocationIndex, table: AST.TOMLTable): void {
  const parts = table.key.keys;
  const path: (string | number)[] = [];
  let part = 0;
  for (const segment of table.resolvedKey) {
    path.push(segment);
    const keyNode = typeof segment === "string" ? parts[part++] : undefined;
    if (keyNode) index.setKey(path, keyNode.loc.start.line, keyNode.loc.start.column + 1);
    else index.setValue(path, table.loc.start.line, table.loc.start.column + 1);
  }
  index.setValue(table.resolvedKey, table.loc.start.line, table.loc.start.column + 1);
  for (const kv of table.body) indexKeyValue(index, kv, table.resolvedKey);
}

/** `a.b = value`: every dotted part is a key of its own. */
function indexKeyValue(index: LocationIndex, kv: AST.TOMLKeyValue, base: KeyPath): void {
  const path = [...base];
  for (const keyNode of kv.key.keys) {
    path.push(keyNode.type === "TOMLBare" ? keyNode.name : keyNode.value);
    index.setKey(path, keyNode.loc.start.line, keyNode.loc.start.column + 1);
  }
  indexValue(index, kv.value, path);
}

function indexValue(index: LocationIndex, node: AST.TOMLContentNode, path: KeyPath): void {
  index.setValue(path, node.loc.start.line, node.loc.start.column + 1);
  if (node.type === "TOMLArray") {
    node.elements.forEach((element, i) => {
      indexValue(index, element, [...path, i]);
    });
  } else if (node.type === "TOMLInlineTable") {
    for (const kv of node.body) indexKeyValue(index, kv, path);
  }
}
