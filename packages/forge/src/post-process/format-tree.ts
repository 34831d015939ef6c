/**
 * Post-process, the pipeline stage after the assembler (seed 000 "Generator Pipeline": format, lint):
 * formats the in-memory tree with Biome and applies its safe fixes (import order), so generated code
 * is exactly what `npm run lint` in the generated workspace accepts. Biome runs once, as a CLI, over
 * a temporary copy of the tree: the same pinned version the workspace lints with, so both agree.
 * @module
 */
import { spawn } from "node:child_process";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { FileTree } from "../tree/file-tree.ts";

const FORMATTED = /\.(ts|js|mjs|json|md|css)$/;

/** Thrown when Biome cannot run at all (not when it reports lint findings, which verification shows). */
export class FormatError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "FormatError";
  }
}

function biomeBin(): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve("@biomejs/biome/package.json")), "bin", "biome");
}

interface BiomeReport {
  diagnostics: Array<{ severity: string; message: string; category: string; location?: { path?: string } }>;
}

function runBiome(cwd: string): Promise<{ code: number; output: string }> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(
      process.execPath,
      [biomeBin(), "check", "--write", "--reporter=json", "--no-errors-on-unmatched", "."],
      {
        cwd,
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    const chunks: Buffer[] = [];
    child.stdout.on("data", (c: Buffer) => chunks.push(c));
    child.stderr.on("data", (c: Buffer) => chunks.push(c));
    child.on("error", (error) =>
      reject(new FormatError(`cannot run Biome: ${error.message}`, { cause: error })),
    );
    child.on("close", (code) =>
      resolvePromise({ code: code ?? 1, output: Buffer.concat(chunks).toString("utf8") }),
    );
  });
}

/**
 * Returns a new tree whose code, JSON and Markdown files are formatted by Biome under the tree's own
 * `biome.json` (which must exist at the root). Other files are copied unchanged.
 * @throws FormatError when Biome cannot run or cannot parse a generated file (a generator bug).
 */
export async function formatTree(tree: FileTree): Promise<FileTree> {
  if (!tree.exists("biome.json"))
    throw new FormatError("the generated tree has no biome.json to format with");
  const dir = await mkdtemp(join(tmpdir(), "allframe-format-"));
  try {
    const formattable = tree.files().filter((f) => f.path === "biome.json" || FORMATTED.test(f.path));
    await Promise.all(
      formattable.map(async (f) => {
        await mkdir(dirname(join(dir, f.path)), { recursive: true });
        await writeFile(join(dir, f.path), f.content);
      }),
    );
    const { output } = await runBiome(dir);
    let report: BiomeReport;
    try {
      report = JSON.parse(output.slice(output.indexOf("{"))) as BiomeReport;
    } catch (error) {
      throw new FormatError(`Biome did not answer with a report:\n${output.slice(0, 2000)}`, {
        cause: error,
      });
    }
    const broken = report.diagnostics.filter((d) => d.category === "parse");
    if (broken.length > 0) {
      const list = broken.map((d) => `  ${d.location?.path ?? "?"}: ${d.message}`).join("\n");
      throw new FormatError(`Biome could not parse generated files (a generator bug):\n${list}`);
    }
    const formatted = new FileTree();
    const contents = new Map(
      await Promise.all(
        formattable.map(async (f) => [f.path, await readFile(join(dir, f.path), "utf8")] as const),
      ),
    );
    for (const file of tree.files()) formatted.write(file.path, contents.get(file.path) ?? file.content);
    return formatted;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
