import assert from "node:assert/strict";
import { mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { ignite } from "./ignite.ts";

const HEAD = '[architecture]\nname = "shop"\n';
const svc = (name: string, type: string, extra = ""): string =>
  `\n[[services]]\nname = "${name}"\ntype = "${type}"\n${extra}`;

interface Case {
  readonly name: string;
  readonly file: string;
  readonly text: string;
  readonly code: string;
  readonly line: number;
  readonly message: RegExp;
  readonly env?: Record<string, string>;
}

/** One case per error diagnostic of the list; each must stop ignite before it writes anything. */
const ERRORS: Case[] = [
  {
    name: "TOML syntax",
    file: "a.toml",
    text: `${HEAD}bad key = 1\n`,
    code: "syntax",
    line: 3,
    message: /Expected equal/,
  },
  {
    name: "YAML syntax",
    file: "a.yaml",
    text: "architecture:\n  name: shop\nservices: [\n  - {\n",
    code: "syntax",
    line: 4,
    message: /./,
  },
  {
    name: "unknown service type",
    file: "a.toml",
    text: HEAD + svc("api", "statless"),
    code: "unknown-service-type",
    line: 6,
    message: /did you mean "stateless"/,
  },
  {
    name: "duplicate service names",
    file: "a.toml",
    text: HEAD + svc("api", "stateless") + svc("api", "stateless"),
    code: "duplicate-service",
    line: 9,
    message: /api/,
  },
  {
    name: "name that is not a DNS label (path traversal)",
    file: "a.toml",
    text: HEAD + svc("../etc", "stateless"),
    code: "invalid-service-name",
    line: 5,
    message: /DNS/,
  },
  {
    name: "BFF aggregating itself",
    file: "a.toml",
    text: `${HEAD}${svc("api", "stateless")}${svc("bff", "bff", '[services.bff]\naggregates = ["api", "bff"]\n')}`,
    code: "bff-self-reference",
    line: 12,
    message: /itself/,
  },
  {
    name: "port collision",
    file: "a.toml",
    text: HEAD + svc("a", "stateless", "port = 8080\n") + svc("b", "stateless", "port = 8080\n"),
    code: "port-collision",
    line: 12,
    message: /8080/,
  },
  {
    name: "invalid cron expression",
    file: "a.toml",
    text: HEAD + svc("jobs", "scheduled", '[services.schedule]\ncron = "61 * * * *"\n'),
    code: "invalid-cron",
    line: 8,
    message: /cron/,
  },
  {
    name: "invalid IANA time zone",
    file: "a.toml",
    text:
      HEAD + svc("jobs", "scheduled", '[services.schedule]\ncron = "0 2 * * *"\ntimezone = "Mars/Olympus"\n'),
    code: "invalid-timezone",
    line: 9,
    message: /Mars\/Olympus/,
  },
  {
    name: "saga steps and compensations that do not pair",
    file: "a.toml",
    text:
      HEAD +
      svc("orders", "saga-orchestrator", '[services.saga]\nsteps = ["A", "B"]\ncompensation = ["UndoA"]\n'),
    code: "saga-mismatch",
    line: 9,
    message: /B/,
  },
  {
    name: "non-positive saga timeout",
    file: "a.toml",
    text:
      HEAD +
      svc(
        "orders",
        "saga-orchestrator",
        '[services.saga]\nsteps = ["A"]\ncompensation = ["UndoA"]\ntimeout_seconds = 0\n',
      ),
    code: "non-positive-timeout",
    line: 10,
    message: /timeout/,
  },
  { name: "no services", file: "a.toml", text: HEAD, code: "no-services", line: 1, message: /service/ },
  {
    name: "unset variable outside [cloud]",
    file: "a.toml",
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the architecture text itself holds a ${VAR} reference
    text: HEAD + svc("api", "stateless", 'responsibility = "${OWNER}"\n'),
    code: "unset-variable",
    line: 7,
    message: /OWNER/,
  },
];

describe("ignite stops on configuration errors and writes nothing", () => {
  let root: string;
  before(async () => {
    root = await mkdtemp(join(tmpdir(), "allframe-ignite-"));
  });
  after(async () => {
    await rm(root, { recursive: true, force: true });
  });

  for (const c of ERRORS) {
    it(c.name, async () => {
      const dir = await mkdtemp(join(root, "case-"));
      const configPath = join(dir, c.file);
      await writeFile(configPath, c.text);
      const outDir = join(dir, "out");
      const result = await ignite({ configPath, outDir, env: c.env ?? {} });
      assert.equal(result.ok, false);
      const found = result.diagnostics.find((d) => d.code === c.code && d.severity === "error");
      assert.ok(found, `expected ${c.code}, got ${result.diagnostics.map((d) => d.code).join(", ")}`);
      assert.match(found.message + found.hint, c.message);
      assert.equal(found.location?.line, c.line, `${c.code} line`);
      assert.equal(found.location?.file, configPath);
      await assert.rejects(readdir(outDir), { code: "ENOENT" });
    });
  }

  it("warns but writes for the reference's kinds of warnings (undefined aggregate, no publisher, unknown key, deploy input)", async () => {
    const dir = await mkdtemp(join(root, "warn-"));
    const configPath = join(dir, "a.toml");
    const text =
      `${HEAD}[cloud.aws]\naccount_id = "\${AWS_ACCOUNT_ID}"\n` +
      svc("api", "stateless", "colour = 1\n") +
      svc("bff", "bff", '[services.bff]\naggregates = ["api", "catalog"]\n') +
      svc("mailer", "consumer", '[services.consumer]\nevents = ["OrderCreated"]\n');
    await writeFile(configPath, text);
    const result = await ignite({ configPath, outDir: join(dir, "out"), env: {} });
    assert.ok(result.ok);
    const codes = result.diagnostics.map((d) => d.code).sort();
    assert.deepEqual(codes, [
      "bff-unknown-service",
      "deploy-time-input",
      "event-without-publisher",
      "unknown-key",
    ]);
    assert.ok(result.diagnostics.every((d) => d.severity === "warning"));
    assert.ok((await readdir(join(dir, "out"))).includes("services"));
  });

  it("generates the producer archetype from a config of its own", async () => {
    const dir = await mkdtemp(join(root, "producer-"));
    const configPath = join(dir, "pipeline.toml");
    await writeFile(
      configPath,
      HEAD +
        svc(
          "ingest",
          "producer",
          '[services.producer]\nevents = ["ReadingTaken"]\nsource = "interval"\ninterval_ms = 500\n',
        ),
    );
    const result = await ignite({ configPath, outDir: join(dir, "out"), env: {} });
    assert.ok(result.ok);
    const tree = result.generated.tree;
    assert.match(
      tree.read("services/ingest/src/domain/events/schemas.ts") ?? "",
      /"ReadingTaken": z\.looseObject|ReadingTaken: z\.looseObject/,
    );
    assert.match(tree.read("services/ingest/src/service.ts") ?? "", /source-loop/);
  });
});
