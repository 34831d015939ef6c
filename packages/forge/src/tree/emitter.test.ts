import assert from "node:assert/strict";
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { EmitConflictError, emit, planEmit, summarizePlan } from "./emitter.ts";
import { FileTree } from "./file-tree.ts";

const options = { generator: "allframe@test", source: "architecture.toml" };

function treeOf(files: Record<string, string>): FileTree {
  const tree = new FileTree();
  for (const [path, content] of Object.entries(files)) tree.write(path, content);
  return tree;
}

async function listAll(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name).slice(dir.length + 1))
    .sort();
}

describe("emitter", () => {
  let root: string;
  before(async () => {
    root = await mkdtemp(join(tmpdir(), "allframe-emit-"));
  });
  after(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it("plans creates on an empty folder and writes nothing while planning (dry run)", async () => {
    const out = join(root, "dry");
    const plan = await planEmit(treeOf({ "a.ts": "a\n", "dir/b.ts": "b\n" }), out);
    assert.deepEqual(summarizePlan(plan), { create: 2, update: 0, unchanged: 0, conflict: 0 });
    await assert.rejects(readdir(out), { code: "ENOENT" });
  });

  it("writes files and a manifest, then sees them as unchanged on a re-run", async () => {
    const out = join(root, "rerun");
    const files = { "a.ts": "a\n", "dir/b.ts": "b\n" };
    const tree = treeOf(files);
    await emit(tree, await planEmit(tree, out), options);
    assert.deepEqual(await listAll(out), [".allframe/manifest.json", "a.ts", "dir/b.ts"]);
    const again = await planEmit(treeOf(files), out);
    assert.deepEqual(summarizePlan(again), { create: 0, update: 0, unchanged: 2, conflict: 0 });
  });

  it("updates a file the user did not touch when the generator output changes", async () => {
    const out = join(root, "update");
    const first = treeOf({ "a.ts": "v1\n" });
    await emit(first, await planEmit(first, out), options);
    const second = treeOf({ "a.ts": "v2\n" });
    const plan = await planEmit(second, out);
    assert.deepEqual(plan.changes, [{ path: "a.ts", kind: "update" }]);
    await emit(second, plan, options);
    assert.equal(await readFile(join(out, "a.ts"), "utf8"), "v2\n");
  });

  it("never overwrites a file the user changed, names it, and writes nothing at all", async () => {
    const out = join(root, "conflict");
    const first = treeOf({ "a.ts": "v1\n", "b.ts": "b1\n" });
    await emit(first, await planEmit(first, out), options);
    await writeFile(join(out, "a.ts"), "mine\n");
    const second = treeOf({ "a.ts": "v2\n", "b.ts": "b2\n", "c.ts": "c\n" });
    const plan = await planEmit(second, out);
    assert.deepEqual(plan.conflicts, [
      { path: "a.ts", kind: "conflict", reason: "changed since AllFrame wrote it" },
    ]);
    await assert.rejects(emit(second, plan, options), (error: unknown) => {
      assert.ok(error instanceof EmitConflictError);
      assert.match(error.message, /a\.ts \(changed since AllFrame wrote it\)/);
      assert.match(error.message, /--force/);
      return true;
    });
    assert.equal(await readFile(join(out, "a.ts"), "utf8"), "mine\n");
    assert.equal(await readFile(join(out, "b.ts"), "utf8"), "b1\n");
    assert.deepEqual(await listAll(out), [".allframe/manifest.json", "a.ts", "b.ts"]);
  });

  it("treats an existing file AllFrame never wrote as a conflict, and --force overwrites", async () => {
    const out = join(root, "foreign");
    await emit(treeOf({}), await planEmit(treeOf({}), out), options);
    await writeFile(join(out, "README.md"), "my readme\n");
    const tree = treeOf({ "README.md": "generated\n" });
    const plan = await planEmit(tree, out);
    assert.equal(plan.conflicts[0]?.reason, "exists and was not written by AllFrame");
    await emit(tree, plan, { ...options, force: true });
    assert.equal(await readFile(join(out, "README.md"), "utf8"), "generated\n");
  });
});
