import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { ManualClock } from "../../runtime/clock.ts";
import { runMigrateCommand } from "./migrate-command.ts";
import { defineMigration } from "./migration.ts";

const MIGRATIONS = [
  defineMigration({
    name: "0001_a",
    up: (db) => db.exec("CREATE TABLE a (id TEXT)"),
    down: (db) => db.exec("DROP TABLE a"),
  }),
  defineMigration({
    name: "0002_b",
    up: (db) => db.exec("CREATE TABLE b (id TEXT)"),
    down: (db) => db.exec("DROP TABLE b"),
  }),
];

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), "allframe-migrate-command-"));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Runs the command, collecting what it writes. */
async function run(
  args: string[],
  url: string,
  migrations = MIGRATIONS,
): Promise<{ code: number; out: string }> {
  const lines: string[] = [];
  const clock = new ManualClock(Date.parse("2026-03-04T05:06:07.000Z"));
  const code = await runMigrateCommand(args, { url, migrations, clock, write: (line) => lines.push(line) });
  return { code, out: lines.join("\n") };
}

describe("runMigrateCommand", () => {
  it("reports status, applies up to a target, reverts, with one line per migration", async () => {
    const url = `sqlite:${join(dir, "cli.sqlite")}`;
    assert.deepEqual(await run(["status"], url), { code: 0, out: "pending  0001_a\npending  0002_b" });
    assert.deepEqual(await run(["up", "--to", "0001_a"], url), { code: 0, out: "applied 0001_a" });
    assert.deepEqual(await run(["status"], url), {
      code: 0,
      out: "applied 2026-03-04T05:06:07.000Z  0001_a\npending  0002_b",
    });
    assert.deepEqual(await run(["up"], url), { code: 0, out: "applied 0002_b" });
    assert.deepEqual(await run(["up"], url), { code: 0, out: "up to date: nothing to apply" });
    assert.deepEqual(await run(["down", "--to", "0"], url), {
      code: 0,
      out: "reverted 0002_b\nreverted 0001_a",
    });
    assert.deepEqual(await run(["down"], url), { code: 0, out: "nothing to revert" });
  });

  it("answers 2 with the usage for bad arguments, 1 with the reason for a failure", async () => {
    const url = `sqlite:${join(dir, "bad.sqlite")}`;
    for (const args of [[], ["sideways"], ["up", "down"], ["up", "--bogus"]]) {
      const { code, out } = await run(args, url);
      assert.equal(code, 2, args.join(" "));
      assert.match(out, /usage: migrate up/);
    }
    const broken = [defineMigration({ name: "0001_broken", up: (db) => db.exec("NOT SQL") })];
    const failed = await run(["up"], url, broken);
    assert.equal(failed.code, 1);
    assert.match(failed.out, /^migrate up failed: migration 0001_broken failed \(up\) and was rolled back/);
  });

  it("says there is nothing to migrate on an in-memory store", async () => {
    assert.deepEqual(await run(["up"], "memory:"), {
      code: 0,
      out: "DATABASE_URL names an in-memory store: nothing to migrate",
    });
  });
});
