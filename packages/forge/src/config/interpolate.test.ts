// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these strings are ${VAR} references under test, not templates.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { interpolate } from "./interpolate.ts";
import { assertAt, HEADER, loadInline, onlyDiagnostic } from "./test-support.ts";
import { createValidationContext } from "./validate/context.ts";

const ctx = createValidationContext("arch.toml", () => undefined, {});

describe("interpolate", () => {
  it("substitutes ${VAR} and ${VAR:-default} in nested strings, leaving keys and non-strings alone", () => {
    const result = interpolate(
      { a: "${HOST}:${PORT:-5432}", list: ["x-${HOST}", 3, true], "${KEY}": "k" },
      { HOST: "db" },
      ctx,
    );
    assert.deepEqual(result.value, { a: "db:5432", list: ["x-db", 3, true], "${KEY}": "k" });
    assert.deepEqual(result.diagnostics, []);
  });
  it("treats $${ as a literal ${", () => {
    const result = interpolate({ a: "cost: $${PRICE} and $$ stays" }, {}, ctx);
    assert.equal((result.value as { a: string }).a, "cost: ${PRICE} and $$ stays");
    assert.deepEqual(result.diagnostics, []);
  });
  it("counts an empty env value as set, even with a default", () => {
    const result = interpolate({ a: "[${EMPTY:-fallback}]" }, { EMPTY: "" }, ctx);
    assert.equal((result.value as { a: string }).a, "[]");
  });
  it("does not mutate its input", () => {
    const input = { a: "${X}" };
    interpolate(input, { X: "1" }, ctx);
    assert.equal(input.a, "${X}");
  });
});

describe("unset variables", () => {
  it("is an error outside cloud.*, naming the variable and the fix", () => {
    const result = loadInline(
      `${HEADER}description = "\${TEAM_NAME}"\n\n[[services]]\nname = "users"\ntype = "stateless"\n`,
    );
    assert.equal(result.ok, false);
    const d = onlyDiagnostic(result, "unset-variable");
    assert.equal(d.severity, "error");
    assert.match(d.message, /TEAM_NAME is not set/);
    assert.match(d.hint, /export TEAM_NAME=.*\$\{TEAM_NAME:-default\}/);
    assert.deepEqual(d.path, ["architecture", "description"]);
    assertAt(d, 3, 15);
  });
  it("becomes a deploy-time input under cloud.*", () => {
    const text = `${HEADER}[cloud.aws]\naccount_id = "\${AWS_ACCOUNT_ID}"\n\n[[services]]\nname = "users"\ntype = "stateless"\n`;
    const result = loadInline(text);
    assert.ok(result.ok);
    const d = onlyDiagnostic(result, "deploy-time-input");
    assert.equal(d.severity, "warning");
    assertAt(d, 4, 14);
    assert.deepEqual(result.architecture.deployInputs, [
      { path: "cloud.aws.account_id", variable: "AWS_ACCOUNT_ID" },
    ]);
    assert.equal(result.architecture.architecture.cloud?.aws?.account_id, "${AWS_ACCOUNT_ID}");
  });
  it("reports a reference that is never closed", () => {
    const result = loadInline(
      `${HEADER}description = "\${TEAM"\n\n[[services]]\nname = "users"\ntype = "stateless"\n`,
    );
    const d = onlyDiagnostic(result, "invalid-interpolation");
    assert.equal(d.severity, "error");
    assert.match(d.message, /never closed/);
    assertAt(d, 3, 15);
  });
});
