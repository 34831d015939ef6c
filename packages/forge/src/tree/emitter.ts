/**
 * The emitter: the only part of the generator that touches the disk. It plans a locked `FileTree`
 * against an output folder (create / update / unchanged / conflict), prints that plan for `--dry-run`,
 * and flushes it all-or-nothing.
 *
 * A file is a conflict when it exists on disk and differs from both the new content and what AllFrame
 * last wrote there (per the manifest): the user changed it, so it is kept unless `force` is set.
 * @module
 */
import { mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import type { FileTree } from "./file-tree.ts";
import { contentHash, type EmitManifest, MANIFEST_PATH, readManifest } from "./manifest.ts";

export type ChangeKind = "create" | "update" | "unchanged" | "conflict";

/** One planned file and what emitting it will do. */
export interface PlannedChange {
  readonly path: string;
  readonly kind: ChangeKind;
  /** Why a file is a conflict, in the user's words. */
  readonly reason?: string;
}

/** The plan for one output folder. */
export interface EmitPlan {
  readonly outDir: string;
  readonly changes: readonly PlannedChange[];
  readonly conflicts: readonly PlannedChange[];
}

/** Thrown by `emit` when the plan has conflicts and `force` is not set. Nothing has been written. */
export class EmitConflictError extends Error {
  readonly conflicts: readonly PlannedChange[];
  constructor(conflicts: readonly PlannedChange[]) {
    const list = conflicts.map((c) => `  ${c.path} (${c.reason})`).join("\n");
    super(
      `${conflicts.length} file(s) changed since AllFrame wrote them; nothing was written:\n${list}\n` +
        "Keep your changes by moving them aside, or pass --force to overwrite these files.",
    );
    this.name = "EmitConflictError";
    this.conflicts = conflicts;
  }
}

async function readIfExists(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
}

/** Compares every file of the (locked) tree with the output folder. Reads only; writes nothing. */
export async function planEmit(tree: FileTree, outDir: string): Promise<EmitPlan> {
  tree.lock();
  const manifest = await readManifest(outDir);
  const changes = await Promise.all(
    tree.files().map(async ({ path, content }): Promise<PlannedChange> => {
      const onDisk = await readIfExists(join(outDir, path));
      if (onDisk === undefined) return { path, kind: "create" };
      if (onDisk === content) return { path, kind: "unchanged" };
      const written = manifest?.files[path];
      if (written === undefined)
        return { path, kind: "conflict", reason: "exists and was not written by AllFrame" };
      if (written === contentHash(onDisk)) return { path, kind: "update" };
      return { path, kind: "conflict", reason: "changed since AllFrame wrote it" };
    }),
  );
  return { outDir, changes, conflicts: changes.filter((c) => c.kind === "conflict") };
}

/** Counts of a plan's changes by kind. */
export function summarizePlan(plan: EmitPlan): Record<ChangeKind, number> {
  const counts: Record<ChangeKind, number> = { create: 0, update: 0, unchanged: 0, conflict: 0 };
  for (const change of plan.changes) counts[change.kind]++;
  return counts;
}

/**
 * Writes the plan. Every new content is first written to a temporary file beside its target; only when
 * all of them are on disk are they renamed into place, so a failed write (disk full, permissions)
 * leaves the output folder as it was. Conflicts throw `EmitConflictError` unless `force`.
 */
export async function emit(
  tree: FileTree,
  plan: EmitPlan,
  options: { force?: boolean; generator: string; source: string },
): Promise<void> {
  if (plan.conflicts.length > 0 && options.force !== true) throw new EmitConflictError(plan.conflicts);
  const toWrite = plan.changes.filter((c) => c.kind !== "unchanged");
  const manifest: EmitManifest = {
    generator: options.generator,
    source: options.source,
    files: Object.fromEntries(tree.files().map((f) => [f.path, contentHash(f.content)])),
  };
  const staged: Array<{ tmp: string; target: string }> = [];
  const suffix = `.allframe-tmp-${process.pid}`;
  try {
    const entries = [
      ...toWrite.map((c) => ({ path: c.path, content: tree.read(c.path) ?? "" })),
      { path: MANIFEST_PATH, content: `${JSON.stringify(manifest, null, 2)}\n` },
    ];
    for (const { path, content } of entries) {
      const target = join(plan.outDir, path);
      await mkdir(dirname(target), { recursive: true });
      const tmp = target + suffix;
      await writeFile(tmp, content, "utf8");
      staged.push({ tmp, target });
    }
  } catch (error) {
    await Promise.all(staged.map(({ tmp }) => rm(tmp, { force: true })));
    throw error;
  }
  for (const { tmp, target } of staged) await rename(tmp, target);
}
