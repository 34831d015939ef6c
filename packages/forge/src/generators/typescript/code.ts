/**
 * A tagged template for generated source: strips the indentation common to all lines so templates can
 * be indented like the code around them, drops the first and last blank line, and indents multi-line
 * interpolations to the column they are placed at.
 * @module
 */

function indentOf(line: string): number {
  return line.length - line.trimStart().length;
}

/**
 * @example
 * const body = code`
 *   export function hello(): string {
 *     return ${str("hi")};
 *   }
 * `;
 */
export function code(strings: TemplateStringsArray, ...values: Array<string | number | boolean>): string {
  let out = strings[0] ?? "";
  values.forEach((value, i) => {
    const text = String(value);
    const lineStart = out.lastIndexOf("\n") + 1;
    const pad = " ".repeat(indentOf(out.slice(lineStart)));
    out += text.replace(/\n(?=.)/g, `\n${pad}`) + (strings[i + 1] ?? "");
  });
  const lines = out.split("\n");
  if (lines[0]?.trim() === "") lines.shift();
  if (lines.at(-1)?.trim() === "") lines.pop();
  const margin = Math.min(...lines.filter((l) => l.trim() !== "").map(indentOf));
  return `${lines.map((l) => (l.trim() === "" ? "" : l.slice(margin))).join("\n")}\n`;
}

/** Joins generated blocks with one blank line between them, skipping empty ones. */
export function blocks(...parts: Array<string | false | undefined>): string {
  return parts
    .filter((p): p is string => typeof p === "string" && p.trim() !== "")
    .map((p) => p.replace(/\n+$/, ""))
    .join("\n\n");
}

/** Joins lines, skipping empty or false ones (for optional imports and statements). */
export function lines(...parts: Array<string | false | undefined>): string {
  return parts.filter((p): p is string => typeof p === "string" && p !== "").join("\n");
}
