/**
 * The map from key paths to source positions that both parsers fill, so every later stage can point
 * at `file:line:column` without knowing whether the file was TOML or YAML.
 * @module
 */
import type { KeyPath, SourceLocation } from "./diagnostic.ts";

/** Which position of an entry to find: where its key is written, or where its value starts. */
export type LocatePart = "key" | "value";

/**
 * Finds the source position of a key path (e.g. `["services", 3, "saga", "steps", 1]`).
 * `part` defaults to `"value"`; when the exact entry has no position of that part the other part is
 * used, and when the path has no entry at all (a missing key, a default) the nearest ancestor that
 * has one answers. The empty path is the top of the file (1:1), so a parsed document always answers.
 */
export type Locator = (path: KeyPath, part?: LocatePart) => SourceLocation | undefined;

interface Entry {
  key?: SourceLocation;
  value?: SourceLocation;
}

// Keys may contain dots (`jobs."a.b"`), so segments are joined with a character TOML and YAML keys
// practically never contain; a collision would only make a location less precise.
const SEPARATOR = "\u0000";

/** Accumulates positions while a parser walks its syntax tree; the first position recorded wins. */
export class LocationIndex {
  readonly #file: string;
  readonly #entries = new Map<string, Entry>();

  /** @param file the file name printed in locations, as the user wrote it. */
  constructor(file: string) {
    this.#file = file;
    this.#entries.set("", { value: { file, line: 1, column: 1 } });
  }

  /** Records where the key of `path` is written (1-based line and column), unless already known. */
  setKey(path: KeyPath, line: number, column: number): void {
    const entry = this.#entry(path);
    entry.key ??= { file: this.#file, line, column };
  }

  /** Records where the value of `path` starts (1-based line and column), unless already known. */
  setValue(path: KeyPath, line: number, column: number): void {
    const entry = this.#entry(path);
    entry.value ??= { file: this.#file, line, column };
  }

  /** See {@link Locator}. */
  readonly locate: Locator = (path, part = "value") => {
    for (let length = path.length; length >= 0; length--) {
      const entry = this.#entries.get(path.slice(0, length).map(String).join(SEPARATOR));
      if (!entry) continue;
      const found = part === "key" ? (entry.key ?? entry.value) : (entry.value ?? entry.key);
      if (found) return found;
    }
    return undefined;
  };

  #entry(path: KeyPath): Entry {
    const id = path.map(String).join(SEPARATOR);
    let entry = this.#entries.get(id);
    if (!entry) {
      entry = {};
      this.#entries.set(id, entry);
    }
    return entry;
  }
}
