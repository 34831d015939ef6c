/**
 * The in-memory file tree that every archetype and generator writes to. Nothing touches the disk until
 * the emitter flushes the tree (seed 000 "Generator Pipeline"; Nx devkit's `Tree`).
 * @module
 */

/** A file planned for the output, by its POSIX path relative to the output folder. */
export interface TreeFile {
  readonly path: string;
  readonly content: string;
}

/** Thrown when a generator writes an unsafe path, writes twice, or writes after the tree was locked. */
export class TreeWriteError extends Error {
  readonly path: string;
  constructor(path: string, message: string) {
    super(`${path}: ${message}`);
    this.name = "TreeWriteError";
    this.path = path;
  }
}

const SAFE_SEGMENT = /^[A-Za-z0-9._@-]+$/;

/**
 * Checks that a path stays inside the output folder: relative, POSIX separators, no `..`, `.` or
 * empty segments. Returns the path unchanged or throws `TreeWriteError`.
 */
export function assertSafeRelativePath(path: string): string {
  const segments = path.split("/");
  const bad = segments.find((s) => s === "" || s === "." || s === ".." || !SAFE_SEGMENT.test(s));
  if (bad !== undefined || path.startsWith("/")) {
    throw new TreeWriteError(path, "is not a safe relative path inside the output folder");
  }
  return path;
}

/**
 * An append-only, in-memory file tree. A second write to one path is a generator bug and fails loudly
 * (two archetypes must never silently fight over a file); so does a write after `lock()`.
 *
 * @example
 * const tree = new FileTree();
 * tree.write("services/user-service/package.json", "{}\n");
 * tree.lock();
 * for (const file of tree.files()) console.log(file.path);
 */
export class FileTree {
  readonly #files = new Map<string, string>();
  #locked = false;

  /** Adds a file. Throws `TreeWriteError` on an unsafe path, a duplicate path or a locked tree. */
  write(path: string, content: string): void {
    assertSafeRelativePath(path);
    if (this.#locked) throw new TreeWriteError(path, "written after the tree was locked");
    if (this.#files.has(path)) throw new TreeWriteError(path, "written twice by the generators");
    this.#files.set(path, content);
  }

  /** The content of a file written earlier, or `undefined`. */
  read(path: string): string | undefined {
    return this.#files.get(path);
  }

  exists(path: string): boolean {
    return this.#files.has(path);
  }

  /** Every file, sorted by path so output and dry runs are deterministic. */
  files(): TreeFile[] {
    return [...this.#files.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([path, content]) => ({ path, content }));
  }

  get size(): number {
    return this.#files.size;
  }

  /** Forbids further writes; the emitter locks the tree before planning. */
  lock(): void {
    this.#locked = true;
  }
}
