/**
 * Test fixture for the forge's end-to-end tests: ignites an architecture into a temporary directory
 * and lets the generated workspace borrow this checkout's node_modules (which links `@allframe/core`
 * and every library the generated code imports), so no `npm install` is needed; then runs the
 * workspace's generated tests, type-check and lint through {@link runInWorkspace}.
 * @module
 */
import assert from "node:assert/strict";
import { mkdtemp, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before } from "node:test";
import { fileURLToPath } from "node:url";
import { type IgniteOptions, ignite } from "../ignite/ignite.ts";
import { runInWorkspace } from "./workspace-process.ts";

/** This checkout's root directory (absolute, with a trailing separator). */
export const REPO_ROOT = fileURLToPath(new URL("../../../../", import.meta.url));

/** A generated workspace in a temporary directory, borrowing this checkout's node_modules. */
export interface BorrowedWorkspace {
  /** The temporary directory (holds `architecture.toml` when given as text, and the workspace). */
  readonly root: string;
  /** The generated workspace: `<root>/shop`. */
  readonly dir: string;
  /** Reads a UTF-8 file at `path`, relative to {@link dir}; rejects when it does not exist. */
  read(path: string): Promise<string>;
  /** Deletes {@link root} and everything in it. */
  remove(): Promise<void>;
}

/**
 * Where the architecture comes from: TOML text (written to `<root>/architecture.toml`), or an
 * existing file (`{ path }`, absolute, e.g. this checkout's `examples/architecture.toml`).
 */
export type ArchitectureSource = string | { readonly path: string };

/**
 * Ignites `architecture` into `<tmp>/allframe-<name>-XXXXXX/shop` with `options` (any
 * {@link IgniteOptions} but the paths) and symlinks this checkout's node_modules into it.
 * @throws AssertionError when ignite reports diagnostics (they are the message).
 */
export async function igniteBorrowed(
  architecture: ArchitectureSource,
  options: { readonly name: string } & Omit<IgniteOptions, "configPath" | "outDir">,
): Promise<BorrowedWorkspace> {
  const { name, ...igniteOptions } = options;
  const root = await mkdtemp(join(tmpdir(), `allframe-${name}-`));
  const dir = join(root, "shop");
  let configPath: string;
  if (typeof architecture === "string") {
    configPath = join(root, "architecture.toml");
    await writeFile(configPath, architecture);
  } else {
    configPath = architecture.path;
  }
  const result = await ignite({ ...igniteOptions, configPath, outDir: dir });
  assert.ok(result.ok, JSON.stringify(result.diagnostics, null, 2));
  await symlink(join(REPO_ROOT, "node_modules"), join(dir, "node_modules"), "dir");
  return {
    root,
    dir,
    read: (path) => readFile(join(dir, path), "utf8"),
    remove: () => rm(root, { recursive: true, force: true }),
  };
}

/**
 * {@link igniteBorrowed} as node:test hooks of the calling suite: `before` ignites, `after` removes
 * the temporary directory. Call inside `describe`; the returned workspace is usable from the tests
 * and from hooks registered after this call.
 * @throws Error from its members when used before the `before` hook ran.
 */
export function useBorrowedWorkspace(
  architecture: ArchitectureSource,
  options: Parameters<typeof igniteBorrowed>[1],
): BorrowedWorkspace {
  let workspace: BorrowedWorkspace | undefined;
  before(async () => {
    workspace = await igniteBorrowed(architecture, options);
  });
  after(async () => {
    await workspace?.remove();
  });
  const ready = (): BorrowedWorkspace => {
    if (workspace === undefined) throw new Error(`workspace ${options.name} used before its before hook ran`);
    return workspace;
  };
  return {
    get root() {
      return ready().root;
    },
    get dir() {
      return ready().dir;
    },
    read: (path) => ready().read(path),
    remove: () => ready().remove(),
  };
}

/**
 * Runs `node --test <files>` in the workspace (paths relative to `dir`) and returns its output
 * (stdout and stderr interleaved).
 * @throws AssertionError when the run exits non-zero (the output is the message).
 */
export async function runGeneratedTests(dir: string, files: readonly string[]): Promise<string> {
  const { code, output } = await runInWorkspace(dir, process.execPath, ["--test", ...files]);
  assert.equal(code, 0, output);
  return output;
}

/** Runs this checkout's TypeScript compiler on `tsconfig` (relative to `dir`); never throws on errors. */
export function typecheck(
  dir: string,
  tsconfig = "tsconfig.json",
): Promise<{ code: number; output: string }> {
  return runInWorkspace(dir, process.execPath, [
    join(REPO_ROOT, "node_modules/typescript/bin/tsc"),
    "-p",
    tsconfig,
    "--pretty",
    "false",
  ]);
}

/** Runs this checkout's Biome (`check --error-on-warnings`) on `paths` in `dir`; never throws on findings. */
export function lint(dir: string, paths: readonly string[]): Promise<{ code: number; output: string }> {
  return runInWorkspace(dir, process.execPath, [
    join(REPO_ROOT, "node_modules/@biomejs/biome/bin/biome"),
    "check",
    "--error-on-warnings",
    ...paths,
  ]);
}

/**
 * Type-checks the workspace (`tsconfig.json`), then lints `paths` (default `services`).
 * @throws AssertionError when either exits non-zero (its output is the message).
 */
export async function assertTypecheckAndLint(
  dir: string,
  paths: readonly string[] = ["services"],
): Promise<void> {
  const tsc = await typecheck(dir);
  assert.equal(tsc.code, 0, tsc.output);
  const biome = await lint(dir, paths);
  assert.equal(biome.code, 0, biome.output);
}
