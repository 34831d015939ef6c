import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { formatFromFile, type ParsedDocument, parseArchitectureText } from "./parse.ts";

function parsed(text: string, file: string): ParsedDocument {
  const result = parseArchitectureText(text, { file });
  assert.ok(result.ok, JSON.stringify(result.diagnostics));
  return result.document;
}

const TOML = `[architecture]
name = "shop"
meta.owner = "team-a"

[[services]]
name = "users"
type = "stateless"
ports = { inbound = ["rest:8080", "grpc:9090"] }

[[services]]
name = "orders"
  [services.saga]
  steps = [
    "Reserve",
    "Charge",
  ]
[services.jobs]
nightly = { cron = "0 2 * * *" }
`;

describe("parseArchitectureText (TOML)", () => {
  const doc = parsed(TOML, "arch.toml");
  const at = (path: (string | number)[], part?: "key" | "value") => {
    const loc = doc.locate(path, part);
    return loc && [loc.line, loc.column];
  };

  it("returns the plain value", () => {
    assert.equal(doc.format, "toml");
    assert.deepEqual((doc.value as { services: { saga?: unknown }[] }).services[1]?.saga, {
      steps: ["Reserve", "Charge"],
    });
  });
  it("locates values and keys of plain key/values", () => {
    assert.deepEqual(at(["architecture", "name"]), [2, 8]);
    assert.deepEqual(at(["architecture", "name"], "key"), [2, 1]);
  });
  it("locates dotted keys part by part", () => {
    assert.deepEqual(at(["architecture", "meta"], "key"), [3, 1]);
    assert.deepEqual(at(["architecture", "meta", "owner"], "key"), [3, 6]);
    assert.deepEqual(at(["architecture", "meta", "owner"]), [3, 14]);
  });
  it("locates array-of-tables entries at their [[header]]", () => {
    assert.deepEqual(at(["services", 0]), [5, 1]);
    assert.deepEqual(at(["services", 1]), [10, 1]);
    assert.deepEqual(at(["services", 1, "type"]), [10, 1], "missing key falls back to its table");
  });
  it("locates inline tables and array elements", () => {
    assert.deepEqual(at(["services", 0, "ports", "inbound", 1]), [8, 35]);
    assert.deepEqual(at(["services", 1, "jobs", "nightly", "cron"]), [18, 20]);
  });
  it("locates sub-tables of an array entry and multi-line array elements", () => {
    assert.deepEqual(at(["services", 1, "saga"]), [12, 3]);
    assert.deepEqual(at(["services", 1, "saga", "steps", 1]), [15, 5]);
  });
  it("falls back to the nearest ancestor, and to 1:1 for the root", () => {
    assert.deepEqual(at(["services", 1, "saga", "compensation", 0]), [12, 3]);
    assert.deepEqual(at(["nothing", "here"]), [1, 1]);
  });
});

describe("parseArchitectureText (YAML)", () => {
  const doc = parsed(
    "architecture:\n  name: shop\nservices:\n  - name: users\n    type: stateless\n    protocols: [rest, grpc]\n    messaging:\n",
    "arch.yml",
  );
  it("returns the plain value and locates keys and values", () => {
    assert.equal(doc.format, "yaml");
    assert.deepEqual(doc.locate(["services", 0, "type"]), { file: "arch.yml", line: 5, column: 11 });
    assert.deepEqual(doc.locate(["services", 0, "type"], "key"), { file: "arch.yml", line: 5, column: 5 });
    assert.deepEqual(doc.locate(["services", 0, "protocols", 1]), { file: "arch.yml", line: 6, column: 23 });
    assert.deepEqual(doc.locate(["services", 0]), { file: "arch.yml", line: 4, column: 5 });
  });
  it("points an empty value at its key", () => {
    assert.deepEqual(doc.locate(["services", 0, "messaging"]), { file: "arch.yml", line: 7, column: 5 });
  });
});

describe("syntax errors", () => {
  it("reports a TOML syntax error at its line and column", () => {
    const result = parseArchitectureText('[architecture]\nname = "shop"\nversion = 1.0.0\n', {
      file: "arch.toml",
    });
    assert.equal(result.ok, false);
    const [d] = result.diagnostics;
    assert.equal(d?.code, "syntax");
    assert.equal(d?.severity, "error");
    assert.match(d?.message ?? "", /^invalid TOML: /);
    assert.deepEqual(d?.location, { file: "arch.toml", line: 3, column: 14 });
  });
  it("reports a duplicate TOML table", () => {
    const result = parseArchitectureText('[architecture]\nname = "a"\n[architecture]\n', { file: "a.toml" });
    assert.equal(result.ok, false);
    assert.equal(result.diagnostics[0]?.location?.line, 3);
  });
  it("reports a YAML syntax error at its line and column", () => {
    const result = parseArchitectureText("architecture:\n  name: shop\n  name: again\n", {
      file: "arch.yaml",
    });
    assert.equal(result.ok, false);
    const [d] = result.diagnostics;
    assert.equal(d?.code, "syntax");
    assert.match(d?.message ?? "", /^invalid YAML: Map keys must be unique/);
    assert.deepEqual(d?.location, { file: "arch.yaml", line: 3, column: 3 });
  });
  it("rejects an unknown extension unless the format is given", () => {
    const unknown = parseArchitectureText("a = 1", { file: "arch.txt" });
    assert.equal(unknown.ok, false);
    assert.equal(unknown.diagnostics[0]?.code, "unknown-format");
    assert.equal(parseArchitectureText("a = 1", { file: "arch.txt", format: "toml" }).ok, true);
  });
  it("infers the format from the extension", () => {
    assert.equal(formatFromFile("A.TOML"), "toml");
    assert.equal(formatFromFile("a.yml"), "yaml");
    assert.equal(formatFromFile("a.yaml"), "yaml");
    assert.equal(formatFromFile("a.json"), undefined);
  });
});
