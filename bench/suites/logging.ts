/**
 * `logging` (issue 6, security): what AllFrame's redaction adds to a log line. Every contender writes
 * the same records to a no-op destination: plain pino with AllFrame's base options (the floor), pino
 * with a `redact` path list covering the same keys one and two levels deep (the usual way, which still
 * misses deeper keys and other spellings), and `createLogger` with PII fields. Two records: a typical
 * request line with nothing to hide, and one carrying an Authorization header, a cookie and an email.
 * Rounds rotate the contenders' order; each figure is the median over rounds of ns per line.
 * @module
 */
import pino from "pino";
import { createLogger } from "../../packages/core/src/observability/logger.ts";
import { redactSecrets } from "../../packages/core/src/security/redaction/redact-secrets.ts";
import { type BenchSuite, figureSheet, median, say } from "../suite.ts";

const LINES = 200_000;
const WARM_UP_LINES = 50_000;
const ROUNDS = 5;
const sink = { write: (_line: string): void => {} };
const KEYS = ["password", "secret", "token", "authorization", "cookie", "apiKey", "email", "phone", "ssn"];

const clean = {
  requestId: "r-0001",
  method: "POST",
  path: "/orders",
  status: 201,
  durationMs: 12.5,
  user: { id: "u-1", role: "buyer" },
};
const secretive = {
  requestId: "r-0002",
  headers: { authorization: "Bearer abc.def.ghi", cookie: "session=s1", "user-agent": "curl/8" },
  user: { id: "u-1", email: "ann@example.com" },
};

type Contender = { readonly name: string; readonly log: (record: object) => void };

function contenders(): Contender[] {
  const base = {
    base: { service: "bench" },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label: string) => ({ level: label }) },
  };
  const plain = pino(base, sink);
  const paths = KEYS.flatMap((key) => [key, `*.${key}`, `*.*.${key}`]);
  const pinoRedact = pino({ ...base, redact: paths }, sink);
  const allframe = createLogger({
    service: "bench",
    level: "info",
    destination: sink,
    piiFields: ["email", "phone", "ssn"],
  });
  return [
    { name: "pino", log: (record) => plain.info(record, "request handled") },
    { name: "pino_redact_paths", log: (record) => pinoRedact.info(record, "request handled") },
    { name: "allframe", log: (record) => allframe.info(record, "request handled") },
  ];
}

/** ns per line over `lines` lines of `record`. */
function measure(contender: Contender, record: object, lines: number): number {
  const start = performance.now();
  for (let i = 0; i < lines; i++) contender.log(record);
  return ((performance.now() - start) * 1e6) / lines;
}

/** ns per call of `redactSecrets` on `text`. */
function measureText(text: string, calls: number): number {
  const start = performance.now();
  for (let i = 0; i < calls; i++) redactSecrets(text);
  return ((performance.now() - start) * 1e6) / calls;
}

export const loggingSuite: BenchSuite = {
  async run() {
    const all = contenders();
    const { sheet, put } = figureSheet();
    for (const [recordName, record] of [
      ["clean", clean],
      ["secrets", secretive],
    ] as const) {
      say(`logging: ${recordName} record, ${LINES} lines × ${ROUNDS} rounds`);
      for (const contender of all) measure(contender, record, WARM_UP_LINES);
      const samples = new Map<string, number[]>(all.map((c) => [c.name, []]));
      for (let round = 0; round < ROUNDS; round++) {
        const order = [...all.slice(round % all.length), ...all.slice(0, round % all.length)];
        for (const contender of order) samples.get(contender.name)?.push(measure(contender, record, LINES));
      }
      const ns = (name: string) => median(samples.get(name) ?? [0]);
      for (const contender of all) {
        say(`  ${contender.name}: ${ns(contender.name).toFixed(0)} ns/line`);
        put(`${recordName}_${contender.name}_ns_per_line`, ns(contender.name), "ns/line");
      }
      put(`${recordName}_allframe_vs_pino`, ns("allframe") / ns("pino"), "ratio");
      put(`${recordName}_allframe_vs_pino_redact_paths`, ns("allframe") / ns("pino_redact_paths"), "ratio");
    }
    const plainText = "order o-1 placed for 3 items, total 42.50 EUR, shipped from warehouse eu-1";
    const urlText = "connect ECONNREFUSED postgres://orders:pw@db.internal:5432/orders";
    put(
      "redact_secrets_plain_text_ns",
      median([1, 2, 3].map(() => measureText(plainText, LINES))),
      "ns/call",
    );
    put("redact_secrets_url_text_ns", median([1, 2, 3].map(() => measureText(urlText, LINES))), "ns/call");
    return sheet;
  },
};
