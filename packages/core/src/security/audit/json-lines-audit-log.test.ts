import assert from "node:assert/strict";
import { mkdtemp, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { hasErrorCode } from "../../errors/allframe-error.ts";
import { ManualClock, sequentialIds } from "../../runtime/clock.ts";
import { runAuditLogContract } from "./audit-log.contract.ts";
import type { AuditRecord } from "./audit-log.ts";
import { openAuditLog, openAuditLogFile } from "./json-lines-audit-log.ts";

let dir = "";
let files = 0;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), "allframe-audit-"));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function readRecords(path: string): Promise<AuditRecord[]> {
  const text = await readFile(path, "utf8").catch(() => "");
  return text
    .split("\n")
    .filter((line) => line !== "")
    .map((line) => JSON.parse(line) as AuditRecord);
}

runAuditLogContract("json lines file", async (clock, ids) => {
  const path = join(dir, `contract-${++files}.jsonl`);
  return { log: openAuditLogFile(path, { clock, ids }), stored: () => readRecords(path) };
});

describe("openAuditLogFile", () => {
  const entry = { actor: "user:1", action: "read", resource: "customer/c-1", fields: ["email"] };

  it("appends to an existing file, one JSON object per line, readable only by the owner", async () => {
    const path = join(dir, "append.jsonl");
    const clock = new ManualClock(0);
    const first = openAuditLogFile(path, { clock, ids: sequentialIds("a") });
    await first.append(entry);
    await first.close();
    const second = openAuditLogFile(path, { clock, ids: sequentialIds("b") });
    await second.append(entry);
    await second.close();
    assert.deepEqual(
      (await readRecords(path)).map((r) => r.id),
      ["a-1", "b-1"],
    );
    assert.equal((await stat(path)).mode & 0o777, 0o600);
  });

  it("rejects with unavailable when the file cannot be written", async () => {
    const log = openAuditLogFile(join(dir, "missing-folder", "audit.jsonl"));
    await assert.rejects(
      log.append(entry),
      (e) => hasErrorCode(e, "unavailable") && /ENOENT/.test(e.message),
    );
    await log.close();
  });
});

describe("openAuditLog", () => {
  it("requires AUDIT_LOG_FILE, naming it", () => {
    assert.throws(
      () => openAuditLog({}),
      (e) => hasErrorCode(e, "configuration") && /AUDIT_LOG_FILE/.test(e.message),
    );
  });

  it("opens the file AUDIT_LOG_FILE names", async () => {
    const path = join(dir, "from-env.jsonl");
    const log = openAuditLog({ AUDIT_LOG_FILE: path });
    await log.append({ actor: "user:1", action: "export", resource: "customer/c-1", fields: ["address"] });
    await log.close();
    assert.deepEqual((await readRecords(path))[0]?.fields, ["address"]);
  });
});
