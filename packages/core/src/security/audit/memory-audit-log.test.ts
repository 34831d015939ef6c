import { runAuditLogContract } from "./audit-log.contract.ts";
import { MemoryAuditLog } from "./memory-audit-log.ts";

runAuditLogContract("memory", async (clock, ids) => {
  const log = new MemoryAuditLog({ clock, ids });
  return { log, stored: async () => log.records() };
});
