/**
 * The `allframe` command line: parses arguments with `node:util` parseArgs and dispatches to a command.
 * Exit codes: 0 success, 1 the work failed (invalid config, conflicts, verification), 2 usage error.
 * @module
 */
import { parseArgs } from "node:util";
import { type CliIo, processIo, UsageError } from "./io.ts";

export const VERSION = "0.1.0";

export const HELP = `allframe ${VERSION}: one architecture file in, a running, tested microservice workspace out.

Usage:
  allframe ignite --config <file> [--out <dir>] [--dry-run] [--force] [--verify]
      Generate the workspace for an architecture.toml/.yaml. --out defaults to a folder named after
      the config file. --dry-run lists every planned file (create/update/unchanged/conflict) and writes
      nothing. Files you changed since the last ignite are kept unless --force. --verify then installs,
      type-checks, lints and tests the generated workspace.
  allframe validate --config <file> [--json]
      Print the configuration's diagnostics (file:line:column, key path, what to do); writes nothing.
  allframe dev [--dir <dir>] [--only <a,b>]
      In a generated workspace: run every service in one process with embedded stand-ins; Ctrl-C stops.
  allframe dlq list --url <service URL> [--json]
  allframe dlq redrive <id> --url <service URL>
      List a consumer service's dead letters (id, event type, attempts, error, time), or run one's
      handler again and remove it on success.
  allframe help | --help, allframe --version`;

function requireConfig(value: string | undefined, command: string): string {
  if (value === undefined) throw new UsageError(`allframe ${command} needs --config <file>`);
  return value;
}

/** Runs the command line; resolves with the exit code. */
export async function main(argv: readonly string[], io: CliIo = processIo()): Promise<number> {
  try {
    const { values, positionals } = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: {
        config: { type: "string", short: "c" },
        out: { type: "string", short: "o" },
        dir: { type: "string" },
        only: { type: "string" },
        "dry-run": { type: "boolean", default: false },
        force: { type: "boolean", default: false },
        verify: { type: "boolean", default: false },
        json: { type: "boolean", default: false },
        url: { type: "string" },
        help: { type: "boolean", short: "h", default: false },
        version: { type: "boolean", short: "v", default: false },
      },
    });
    const [command, ...rest] = positionals;
    if (values.version) {
      io.out(VERSION);
      return 0;
    }
    if (values.help || command === undefined || command === "help") {
      io.out(HELP);
      return 0;
    }
    if (command === "dlq") {
      const { dlqCommand } = await import("./commands/dlq.ts");
      return await dlqCommand({ args: rest, url: values.url, json: values.json }, io);
    }
    if (rest.length > 0) throw new UsageError(`unexpected argument "${rest[0]}"`);
    switch (command) {
      case "ignite":
        return await (await import("./commands/ignite.ts")).igniteCommand(
          {
            config: requireConfig(values.config, command),
            ...(values.out === undefined ? {} : { out: values.out }),
            dryRun: values["dry-run"],
            force: values.force,
            verify: values.verify,
          },
          io,
        );
      case "validate":
        return await (await import("./commands/validate.ts")).validateCommand(
          { config: requireConfig(values.config, command), json: values.json },
          io,
        );
      case "dev":
        return await (await import("./commands/dev.ts")).devCommand(
          {
            ...(values.dir === undefined ? {} : { dir: values.dir }),
            ...(values.only === undefined ? {} : { only: values.only.split(",").map((s) => s.trim()) }),
          },
          io,
        );
      default:
        throw new UsageError(`unknown command "${command}"; commands: ignite, validate, dev, dlq, help`);
    }
  } catch (error) {
    if (error instanceof UsageError || (error as { code?: string }).code?.startsWith("ERR_PARSE_ARGS")) {
      io.err(`allframe: ${(error as Error).message}\nRun "allframe --help" for usage.`);
      return 2;
    }
    throw error;
  }
}
