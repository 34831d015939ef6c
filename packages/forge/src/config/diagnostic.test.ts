import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  type Diagnostic,
  formatDiagnostic,
  formatDiagnostics,
  formatPath,
  sortDiagnostics,
} from "./diagnostic.ts";

const typo: Diagnostic = {
  severity: "error",
  code: "unknown-service-type",
  message: 'unknown service type "statless"',
  path: ["services", 1, "type"],
  location: { file: "examples/architecture.toml", line: 132, column: 8 },
  hint: 'did you mean "stateless"? Valid types: stateless, event-sourced',
  service: "web-bff",
};

describe("formatPath", () => {
  it("prints indices in brackets and keys with dots", () => {
    assert.equal(formatPath(["services", 1, "bff", "aggregates", 2]), "services[1].bff.aggregates[2]");
  });
  it("labels the service by name when known", () => {
    assert.equal(
      formatPath(["services", 1, "bff", "aggregates", 2], "web-bff"),
      "services[1] (web-bff).bff.aggregates[2]",
    );
  });
  it("quotes keys that are not identifiers", () => {
    assert.equal(formatPath(["services", 0, "jobs", "daily report"]), 'services[0].jobs["daily report"]');
    assert.equal(formatPath([]), "");
  });
});

describe("formatDiagnostic", () => {
  it("prints file:line:column, severity[code], path, message, then the hint", () => {
    assert.equal(
      formatDiagnostic(typo),
      'examples/architecture.toml:132:8 error[unknown-service-type] services[1] (web-bff).type: unknown service type "statless"\n' +
        '  → did you mean "stateless"? Valid types: stateless, event-sourced',
    );
  });
  it("prints one line without location, path or hint", () => {
    const bare: Diagnostic = {
      severity: "error",
      code: "read-error",
      message: "cannot read",
      path: [],
      hint: "",
    };
    assert.equal(formatDiagnostic(bare), "error[read-error] cannot read");
  });
});

describe("formatDiagnostics", () => {
  it("ends with a count of errors and warnings", () => {
    const warning: Diagnostic = { ...typo, severity: "warning", code: "unknown-key" };
    const text = formatDiagnostics([typo, typo, warning]);
    assert.equal(text.split("\n").at(-1), "2 errors, 1 warning");
    assert.equal(formatDiagnostics([]), "0 errors, 0 warnings");
  });
});

describe("sortDiagnostics", () => {
  it("orders by line then column, unlocated last, stable otherwise", () => {
    const at = (line: number, column: number, message: string): Diagnostic => ({
      ...typo,
      message,
      location: { file: "a.toml", line, column },
    });
    const unlocated: Diagnostic = {
      severity: "error",
      code: "read-error",
      message: "none",
      path: [],
      hint: "",
    };
    const sorted = sortDiagnostics([unlocated, at(3, 1, "c"), at(1, 5, "b"), at(1, 2, "a"), at(1, 2, "a2")]);
    assert.deepEqual(
      sorted.map((d) => d.message),
      ["a", "a2", "b", "c", "none"],
    );
  });
});
