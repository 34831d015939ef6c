/**
 * The emit manifest `.allframe/manifest.json`: the hash of every file as AllFrame last wrote it. It is
 * how a re-run tells a file the user changed (keep it, report a conflict) from one it may update.
 * @module
 */
import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { join } from "node:path";

export const MANIFEST_PATH = ".allframe/manifest.json";

/** What the manifest holds: generator version, source config and `path → sha256 hex` of written files. */
export interface EmitManifest {
  readonly generator: string;
  readonly source: string;
  readonly files: Readonly<Record<string, string>>;
}

/** SHA-256 of a text, hex. */
export function contentHash(content: string): string {
  return createHash("sha256").update(content).digest("hex");
}

/**
 * Reads the manifest of an output folder. A missing manifest means "nothing was generated here yet"
 * and returns `undefined`; an unreadable or malformed one throws, naming the file, because guessing
 * would risk overwriting the user's work.
 */
export async function readManifest(outDir: string): Promise<EmitManifest | undefined> {
  const path = join(outDir, MANIFEST_PATH);
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new Error(`${path} is not valid JSON; delete it to treat every existing file as user-owned`, {
      cause: error,
    });
  }
  const files = (parsed as { files?: unknown }).files;
  if (typeof files !== "object" || files === null) {
    throw new Error(`${path} has no "files" object; delete it to treat every existing file as user-owned`);
  }
  return parsed as EmitManifest;
}
