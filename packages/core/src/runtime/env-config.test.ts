import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { z } from "zod";
import { type AllFrameError, hasErrorCode } from "../errors/allframe-error.ts";
import { envBoolean, envInteger, envPort, loadEnvConfig } from "./env-config.ts";

const schema = z.object({
  PORT: envPort(3000),
  DATABASE_URL: z.string().min(1).describe("a connection URL such as sqlite:./data/app.db"),
  API_KEY: z.string().min(10),
  DEBUG: envBoolean(false),
  TIMEOUT_MS: envInteger(500, { min: 1 }),
});

function configError(fn: () => unknown): AllFrameError {
  try {
    fn();
  } catch (error) {
    if (hasErrorCode(error, "configuration")) return error;
    throw error;
  }
  assert.fail("expected a configuration error");
}

describe("loadEnvConfig", () => {
  it("returns typed values with defaults and coercion", () => {
    const config = loadEnvConfig(schema, {
      DATABASE_URL: "sqlite:x.db",
      API_KEY: "0123456789",
      DEBUG: "yes",
    });
    assert.deepEqual(config, {
      PORT: 3000,
      DATABASE_URL: "sqlite:x.db",
      API_KEY: "0123456789",
      DEBUG: true,
      TIMEOUT_MS: 500,
    });
    assert.equal(
      loadEnvConfig(schema, { DATABASE_URL: "d", API_KEY: "0123456789", PORT: "8080" }).PORT,
      8080,
    );
  });

  it("infers the output types", () => {
    const config = loadEnvConfig(schema, { DATABASE_URL: "d", API_KEY: "0123456789" });
    const typed: { PORT: number; DEBUG: boolean; TIMEOUT_MS: number; DATABASE_URL: string } = config;
    assert.equal(typeof typed.PORT, "number");
  });

  it("treats an empty variable as unset", () => {
    const config = loadEnvConfig(schema, { DATABASE_URL: "d", API_KEY: "0123456789", PORT: "", DEBUG: "" });
    assert.equal(config.PORT, 3000);
    assert.equal(config.DEBUG, false);
  });

  it("lists every missing and invalid variable, with what to set, without echoing values", () => {
    const error = configError(() =>
      loadEnvConfig(schema, { PORT: "70000", API_KEY: "secret", DEBUG: "maybe", TIMEOUT_MS: "abc" }),
    );
    assert.deepEqual(error.issues.map((i) => i.path[0]).sort(), [
      "API_KEY",
      "DATABASE_URL",
      "DEBUG",
      "PORT",
      "TIMEOUT_MS",
    ]);
    assert.match(error.message, /5 problems/);
    assert.match(
      error.message,
      /DATABASE_URL is not set .*; set DATABASE_URL to a connection URL such as sqlite/,
    );
    assert.match(error.message, /PORT is invalid: .*; set PORT to a TCP port from 0 to 65535/);
    assert.match(error.message, /API_KEY is invalid: .*; set API_KEY/);
    assert.match(error.message, /DEBUG is invalid/);
    assert.match(error.message, /TIMEOUT_MS is invalid/);
    assert.doesNotMatch(error.message, /secret|maybe|70000/);
  });

  it("reads process.env by default", () => {
    const config = loadEnvConfig(z.object({ PATH: z.string() }));
    assert.equal(config.PATH, process.env.PATH);
  });
});
