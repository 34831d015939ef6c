/**
 * Schedules: cron expressions and IANA time zones of `schedule` and `jobs.*`, checked with the same
 * libraries the generated scheduler runs on (croner, and `Intl` for zones), so what validates here
 * also runs there.
 * @module
 */
import { Cron } from "croner";
import type { Diagnostic, KeyPath } from "../diagnostic.ts";
import type { Architecture } from "../schema.ts";
import { suggest } from "../suggest.ts";
import { report, type ValidationContext } from "./context.ts";

/**
 * Returns why `expression` is not a valid five- or six-field cron expression (croner's reason), or
 * `undefined` when it is. Nicknames such as `@daily` are accepted.
 */
export function cronError(expression: string): string | undefined {
  try {
    // Paused and without a callback: parses the pattern, schedules nothing.
    new Cron(expression, { paused: true, mode: "5-or-6-parts" });
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message.replace(/^CronPattern: /, "") : String(error);
  }
}

/** True when `zone` is a time zone this Node.js (ICU) knows, e.g. `UTC` or `Europe/Paris`. */
export function isValidTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: zone });
    return true;
  } catch (error) {
    // Intl signals an unknown zone only by a RangeError: that is the answer, not a failure.
    if (error instanceof RangeError) return false;
    throw error;
  }
}

/** `invalid-cron` and `invalid-timezone` errors for `schedule` and every `jobs.<name>` entry. */
export function validateSchedules(arch: Architecture, ctx: ValidationContext): Diagnostic[] {
  const out: Diagnostic[] = [];
  arch.services.forEach((service, i) => {
    const entries: [KeyPath, { cron?: string | undefined; timezone?: string | undefined }][] = [];
    if (service.schedule) entries.push([["services", i, "schedule"], service.schedule]);
    for (const [name, job] of Object.entries(service.jobs ?? {}))
      entries.push([["services", i, "jobs", name], job]);
    for (const [path, entry] of entries) {
      const reason = entry.cron === undefined ? undefined : cronError(entry.cron);
      if (reason !== undefined) {
        out.push(
          report(ctx, {
            severity: "error",
            code: "invalid-cron",
            path: [...path, "cron"],
            message: `invalid cron expression "${entry.cron}": ${reason}`,
            hint: 'use five fields "minute hour day-of-month month day-of-week" (or six with seconds first), e.g. "0 2 * * *" for 02:00 daily',
          }),
        );
      }
      if (entry.timezone !== undefined && !isValidTimeZone(entry.timezone)) {
        const guess = suggest(entry.timezone, timeZones());
        out.push(
          report(ctx, {
            severity: "error",
            code: "invalid-timezone",
            path: [...path, "timezone"],
            message: `unknown time zone "${entry.timezone}"`,
            hint: `${guess === undefined ? "" : `did you mean "${guess}"? `}use an IANA time zone name such as "UTC" or "Europe/Paris"`,
          }),
        );
      }
    }
  });
  return out;
}

function timeZones(): string[] {
  return ["UTC", ...Intl.supportedValuesOf("timeZone")];
}
