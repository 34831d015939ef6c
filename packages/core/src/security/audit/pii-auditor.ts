/**
 * Records access to personal data in the audit log: handlers hand over the data they read or changed,
 * the auditor works out which configured PII fields it holds and appends their names — never values.
 * @module
 */
import { createRedactor } from "../redaction/redactor.ts";
import type { AuditLog, AuditRecord } from "./audit-log.ts";

/** Options for {@link createPiiAuditor}. */
export interface PiiAuditorOptions {
  audit: AuditLog;
  /** `[compliance].pii_fields`, matched as by the logger (`customerEmail` counts as `email`). */
  piiFields: readonly string[];
}

/** One act of processing to record. */
export interface PiiAccess {
  /** Who, e.g. the JWT `sub` (`user:42`) or `service:billing`. */
  actor: string;
  /** What, e.g. `read`, `update`, `export`, `erase`. */
  action: string;
  /** Which record, e.g. `customer/c-17`. */
  resource: string;
  /** The data read or written (any JSON-like value); only its field names are looked at. */
  data: unknown;
  /** Why, e.g. `order fulfilment`. */
  purpose?: string;
}

/** Appends PII access records. */
export interface PiiAuditor {
  /**
   * Appends a record naming the PII fields found in `access.data` (at any depth); appends nothing and
   * resolves `undefined` when it holds none.
   * @throws AllFrameError `validation` (from the audit log) for an empty actor, action or resource.
   */
  recordAccess(access: PiiAccess): Promise<AuditRecord | undefined>;
}

/**
 * Builds a {@link PiiAuditor}. This is the trail a compliance officer asks for — who read or changed
 * whose personal data, which categories, when and why — while the logger's own PII redaction records
 * only that PII reached a log line and was hidden (`action: "pii.redacted"`, `resource: "log"`).
 *
 * @example
 * const pii = createPiiAuditor({ audit, piiFields: ["email", "phone", "address", "ssn"] });
 * await pii.recordAccess({ actor: claims.sub, action: "read", resource: `customer/${id}`, data: customer });
 */
export function createPiiAuditor(opts: PiiAuditorOptions): PiiAuditor {
  // No secret keys: a field that is both (say `ssnToken`) must still count as PII here.
  const redactor = createRedactor({ piiFields: opts.piiFields, secretKeys: [] });
  return {
    async recordAccess(access) {
      const found = new Set<string>();
      redactor.redact(access.data, found);
      if (found.size === 0) return undefined;
      const { actor, action, resource, purpose } = access;
      return opts.audit.append({ actor, action, resource, fields: [...found], purpose });
    },
  };
}
