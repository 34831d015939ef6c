import assert from "node:assert/strict";
import { mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import type { CliIo } from "./io.ts";
import { main } from "./main.ts";

const REFERENCE = fileURLToPath(new URL("../../../examples/architecture.toml", import.meta.url));

function captureIo(
  cwd: string,
  env: Record<string, string | undefined> = {},
): CliIo & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { out: (l) => stdout.push(l), err: (l) => stderr.push(l), env, cwd, stdout, stderr };
}

describe("allframe command line", () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "allframe-cli-"));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("prints help and the version", async () => {
    const io = captureIo(dir);
    assert.equal(await main(["--help"], io), 0);
    assert.match(io.stdout.join("\n"), /allframe ignite --config <file>/);
    assert.equal(await main(["--version"], io), 0);
  });

  it("answers a usage error with exit code 2", async () => {
    const io = captureIo(dir);
    assert.equal(await main(["launch"], io), 2);
    assert.match(io.stderr.join("\n"), /unknown command "launch"/);
    assert.equal(await main(["ignite"], io), 2);
    assert.match(io.stderr.join("\n"), /needs --config/);
    assert.equal(await main(["ignite", "--config"], io), 2);
  });

  it("validates the reference with warnings and exit code 0", async () => {
    const io = captureIo(dir);
    assert.equal(await main(["validate", "--config", REFERENCE], io), 0);
    assert.match(io.stderr.join("\n"), /warning\[bff-unknown-service\]/);
    assert.match(io.stdout.join("\n"), /is valid: 11 services/);
  });

  it("rejects an invalid config with exit code 1, located diagnostics, and writes nothing", async () => {
    const config = join(dir, "bad.toml");
    await writeFile(
      config,
      '[architecture]\nname = "shop"\n\n[[services]]\nname = "api"\ntype = "statless"\n',
    );
    const io = captureIo(dir);
    assert.equal(await main(["validate", "--config", config], io), 1);
    assert.match(
      io.stderr.join("\n"),
      /bad\.toml:6:\d+ error\[unknown-service-type\].*did you mean "stateless"/s,
    );
    const out = join(dir, "never");
    assert.equal(await main(["ignite", "--config", config, "--out", out], io), 1);
    assert.match(io.stderr.join("\n"), /Nothing was written/);
    await assert.rejects(readdir(out), { code: "ENOENT" });
  });

  it("dry-runs ignite: lists every planned file and writes nothing", async () => {
    const out = join(dir, "dry");
    const io = captureIo(dir);
    assert.equal(await main(["ignite", "--config", REFERENCE, "--out", out, "--dry-run"], io), 0);
    const text = io.stdout.join("\n");
    assert.match(text, /create {4}services\/user-service\/src\/service\.ts/);
    assert.match(text, /generating \[ 1\/11\] user-service \(stateless\)/);
    assert.match(text, /dry run: nothing was written/);
    await assert.rejects(readdir(out), { code: "ENOENT" });
  });

  it("keeps a file the user changed on a re-run and names it, unless --force", async () => {
    const out = join(dir, "rerun");
    const io = captureIo(dir);
    assert.equal(await main(["ignite", "--config", REFERENCE, "--out", out], io), 0);
    const readme = join(out, "services/user-service/README.md");
    await writeFile(readme, "my notes\n");
    const again = captureIo(dir);
    assert.equal(await main(["ignite", "--config", REFERENCE, "--out", out], again), 1);
    assert.match(
      again.stderr.join("\n"),
      /services\/user-service\/README\.md \(changed since AllFrame wrote it\)/,
    );
    const dry = captureIo(dir);
    await main(["ignite", "--config", REFERENCE, "--out", out, "--dry-run"], dry);
    assert.match(dry.stdout.join("\n"), /conflict {2}services\/user-service\/README\.md/);
    assert.match(dry.stdout.join("\n"), /0 create, 0 update, \d+ unchanged, 1 conflict/);
    const forced = captureIo(dir);
    assert.equal(await main(["ignite", "--config", REFERENCE, "--out", out, "--force"], forced), 0);
  });
});
