import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { code } from "./code.ts";
import { camelCase, constantCase, kebabCase, pascalCase, pluralKebab } from "./names.ts";

describe("code", () => {
  it("dedents and indents multi-line interpolations to their column", () => {
    const inner = "a();\nb();";
    const out = code`
      function f() {
        ${inner}
      }
    `;
    assert.equal(out, "function f() {\n  a();\n  b();\n}\n");
  });
});

describe("names", () => {
  it("converts between the architecture's words and identifiers", () => {
    assert.equal(pascalCase("user-service"), "UserService");
    assert.equal(pascalCase("daily_sales_report"), "DailySalesReport");
    assert.equal(camelCase("order-service"), "orderService");
    assert.equal(kebabCase("OrderCreated"), "order-created");
    assert.equal(kebabCase("InventoryLevel"), "inventory-level");
    assert.equal(constantCase("web-bff"), "WEB_BFF");
    assert.equal(pluralKebab("User"), "users");
    assert.equal(pluralKebab("Category"), "categories");
    assert.equal(pluralKebab("Address"), "addresses");
  });
});
