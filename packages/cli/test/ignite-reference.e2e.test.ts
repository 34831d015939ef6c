/**
 * End to end, as a new user: `allframe ignite --verify` on the reference architecture (install,
 * typecheck, lint, the generated tests), then `npm run dev` in the generated workspace brings every
 * service up, each answers /health with 200 within 15 s of start, and Ctrl-C stops them all cleanly.
 */
import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";

const REPO = fileURLToPath(new URL("../../../", import.meta.url));
const BIN = join(REPO, "packages/cli/bin/allframe.js");

/** The environment a user's shell would have: no npm per-invocation variables from our own `npm test`. */
function userEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (
      v !== undefined &&
      !k.toLowerCase().startsWith("npm_") &&
      k !== "INIT_CWD" &&
      k !== "NODE_TEST_CONTEXT"
    )
      env[k] = v;
  }
  delete env.AWS_ACCOUNT_ID;
  delete env.GCP_PROJECT_ID;
  return env;
}

function run(cmd: string, args: string[], cwd: string): Promise<{ code: number; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd, env: userEnv(), stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (c: Buffer) => {
      output += c.toString();
    });
    child.stderr.on("data", (c: Buffer) => {
      output += c.toString();
    });
    child.on("error", reject);
    child.on("close", (code) => resolve({ code: code ?? 1, output }));
  });
}

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once("error", () => resolve(false));
    server.listen(port, "127.0.0.1", () => server.close(() => resolve(true)));
  });
}

describe("ignite the reference architecture, verify it, run it", () => {
  let root: string;
  let workspace: string;
  before(async () => {
    root = await mkdtemp(join(tmpdir(), "allframe-e2e-"));
    workspace = join(root, "e-commerce-platform");
  });
  after(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it("generates and verifies the workspace: install, typecheck, lint and tests pass", async () => {
    const config = join(REPO, "examples/architecture.toml");
    const { code, output } = await run(
      process.execPath,
      [BIN, "ignite", "--config", config, "--out", workspace, "--verify"],
      REPO,
    );
    assert.equal(code, 0, output);
    for (const step of ["install", "typecheck", "lint", "test"])
      assert.match(output, new RegExp(`${step}\\s+ok \\(`), step);
    assert.match(output, /generating \[11\/11\] product-cache \(cache\)/);
    assert.match(output, /test\s+ok \([^)]*, (\d+) tests passed\)/);
    assert.ok(Number(/(\d+) tests passed/.exec(output)?.[1]) >= 33, "at least three tests per service");
    assert.match(output, /11 services generated and verified/);
    assert.match(output, /warning\[deploy-time-input\] cloud\.aws\.account_id/);
    const log = await readFile(join(workspace, ".allframe/verify.log"), "utf8");
    assert.match(log, /# fail 0|ℹ fail 0/);
  });

  it("generates and verifies the data-pipeline example, whose producer ingests over HTTP and a source loop", async () => {
    const config = join(REPO, "examples/data-pipeline.toml");
    const out = join(root, "data-pipeline");
    const { code, output } = await run(
      process.execPath,
      [BIN, "ignite", "--config", config, "--out", out, "--verify"],
      REPO,
    );
    assert.equal(code, 0, output);
    assert.match(output, /generating \[1\/4\] ingestion-service \(producer\)/);
    assert.match(output, /4 services generated and verified/);
  });

  it("runs every service with npm run dev; each answers /health within 15 s; Ctrl-C stops all", async () => {
    const pkg = JSON.parse(await readFile(join(workspace, "package.json"), "utf8")) as {
      allframe: { services: Array<{ name: string; port: number }> };
    };
    const services = pkg.allframe.services;
    for (const { name, port } of services) {
      assert.ok(
        await portIsFree(port),
        `port ${port} (${name}) is taken on this machine; free it to run this test`,
      );
    }
    const started = Date.now();
    const dev: ChildProcess = spawn("npm", ["run", "dev"], {
      cwd: workspace,
      env: userEnv(),
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    dev.stdout?.on("data", (c: Buffer) => {
      output += c.toString();
    });
    dev.stderr?.on("data", (c: Buffer) => {
      output += c.toString();
    });
    const exited = new Promise<void>((resolve) => dev.once("close", () => resolve()));
    try {
      const healthy = new Set<string>();
      while (healthy.size < services.length && Date.now() - started < 15_000) {
        for (const { name, port } of services) {
          if (healthy.has(name)) continue;
          const ok = await fetch(`http://127.0.0.1:${port}/health`).then(
            (r) => r.status === 200,
            () => false,
          );
          if (ok) healthy.add(name);
        }
        await new Promise((r) => setTimeout(r, 100));
      }
      assert.deepEqual(
        services.map((s) => s.name).filter((n) => !healthy.has(n)),
        [],
        `not healthy within 15 s:\n${output}`,
      );
      assert.match(output, /allframe dev: 11 services up/);
      assert.match(output, /user-service\s+stateless\s+http:\/\/127\.0\.0\.1:8080/);
    } finally {
      if (dev.pid !== undefined) process.kill(-dev.pid, "SIGINT");
      await exited;
    }
    assert.match(output, /stopped\./, output);
    for (const { port } of services)
      assert.ok(await portIsFree(port), `port ${port} still in use after Ctrl-C`);
  });
});
