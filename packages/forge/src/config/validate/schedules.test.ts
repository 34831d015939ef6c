import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { assertAt, diagnosticsWith, HEADER, loadInline, onlyDiagnostic } from "../test-support.ts";
import { cronError, isValidTimeZone } from "./schedules.ts";

describe("cron expressions", () => {
  it("rejects an invalid schedule.cron with croner's reason", () => {
    const result = loadInline(`${HEADER}
[[services]]
name = "reports"
type = "scheduled"
[services.schedule]
cron = "0 25 * * *"
`);
    assert.equal(result.ok, false);
    const d = onlyDiagnostic(result, "invalid-cron");
    assert.equal(d.severity, "error");
    assert.equal(d.message, 'invalid cron expression "0 25 * * *": Invalid value for hour: 25');
    assertAt(d, 8, 8);
  });

  it("checks every jobs entry", () => {
    const result = loadInline(`${HEADER}
[[services]]
name = "reports"
type = "scheduled"
[services.jobs]
daily = { cron = "0 6 * * *" }
weekly = { cron = "every monday" }
`);
    const d = onlyDiagnostic(result, "invalid-cron");
    assert.deepEqual(d.path, ["services", 0, "jobs", "weekly", "cron"]);
    assert.match(d.message, /exactly five, six, or seven space separated parts/);
    assertAt(d, 9, 19);
  });

  it("accepts five and six fields and nicknames, and rejects seven", () => {
    assert.equal(cronError("0 2 * * *"), undefined);
    assert.equal(cronError("*/10 * * * * *"), undefined);
    assert.equal(cronError("@daily"), undefined);
    assert.notEqual(cronError("0 0 0 1 1 * 2030"), undefined);
  });
});

describe("time zones", () => {
  it("rejects an unknown IANA zone with a suggestion", () => {
    const result = loadInline(`${HEADER}
[[services]]
name = "reports"
type = "scheduled"
[services.schedule]
cron = "0 2 * * *"
timezone = "Europe/Pari"
[services.jobs]
daily = { cron = "0 6 * * *", timezone = "Mars/Olympus" }
`);
    const [schedule, job] = diagnosticsWith(result, "invalid-timezone");
    assert.equal(schedule?.severity, "error");
    assert.equal(schedule?.message, 'unknown time zone "Europe/Pari"');
    assert.match(schedule?.hint ?? "", /^did you mean "Europe\/Paris"\?/);
    assertAt(schedule ?? assert.fail(), 9, 12);
    assert.match(job?.hint ?? "", /^use an IANA time zone name/);
    assertAt(job ?? assert.fail(), 11, 42);
  });

  it("knows UTC and region zones", () => {
    assert.ok(isValidTimeZone("UTC"));
    assert.ok(isValidTimeZone("America/New_York"));
    assert.ok(!isValidTimeZone("Nowhere/Town"));
  });
});
