/** @module tree: the in-memory file tree, its generated-file header and the emitter. */
export {
  type ChangeKind,
  EmitConflictError,
  type EmitPlan,
  emit,
  type PlannedChange,
  planEmit,
  summarizePlan,
} from "./emitter.ts";
export { assertSafeRelativePath, FileTree, type TreeFile, TreeWriteError } from "./file-tree.ts";
export { withGeneratedHeader } from "./header.ts";
export { contentHash, type EmitManifest, MANIFEST_PATH, readManifest } from "./manifest.ts";
