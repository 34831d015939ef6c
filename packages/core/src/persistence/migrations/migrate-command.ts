/**
 * The `migrate` command of a generated service (`npm run migrate -- up|down|status [--to <name>]`):
 * parses the arguments, runs the {@link Migrator} and prints what it did.
 * @module
 */
import { parseArgs } from "node:util";
import { AllFrameError, isAllFrameError } from "../../errors/allframe-error.ts";
import { type MigratorOptions, openMigrator } from "./migrator.ts";

const USAGE = "usage: migrate up [--to <name>] | down [--to <name>|0] | status";

/**
 * Runs `args` (e.g. `process.argv.slice(2)`): `up` applies pending migrations (up to `--to`), `down`
 * reverts the last one (or down to and including `--to`; `--to 0` reverts all), `status` lists each
 * migration as `applied <iso time>` or `pending`. Writes one line per migration to `write`
 * (default stdout) and answers the exit code: 0 on success, 1 on a failure (its message written), 2
 * for bad arguments.
 */
export async function runMigrateCommand(
  args: readonly string[],
  opts: MigratorOptions & { readonly write?: (line: string) => void },
): Promise<number> {
  const write = opts.write ?? ((line: string) => process.stdout.write(`${line}\n`));
  let command: string | undefined;
  let to: string | undefined;
  try {
    const parsed = parseArgs({
      args: [...args],
      options: { to: { type: "string" } },
      allowPositionals: true,
    });
    if (parsed.positionals.length !== 1) throw new AllFrameError("validation", USAGE);
    command = parsed.positionals[0];
    to = parsed.values.to;
  } catch (error) {
    write(isAllFrameError(error) ? error.message : `${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  try {
    const migrator = openMigrator(opts);
    if (migrator.engine === "memory") {
      write(`${opts.envVar ?? "DATABASE_URL"} names an in-memory store: nothing to migrate`);
      return 0;
    }
    switch (command) {
      case "up": {
        const applied = await migrator.up(to === undefined ? {} : { to });
        write(
          applied.length === 0
            ? "up to date: nothing to apply"
            : applied.map((n) => `applied ${n}`).join("\n"),
        );
        return 0;
      }
      case "down": {
        const reverted = await migrator.down(to === undefined ? {} : { to: to === "0" ? 0 : to });
        write(reverted.length === 0 ? "nothing to revert" : reverted.map((n) => `reverted ${n}`).join("\n"));
        return 0;
      }
      case "status": {
        const states = await migrator.status();
        write(
          states.length === 0
            ? "no migrations"
            : states
                .map((s) => `${s.state === "applied" ? `applied ${s.appliedAt}` : "pending"}  ${s.name}`)
                .join("\n"),
        );
        return 0;
      }
      default:
        write(USAGE);
        return 2;
    }
  } catch (error) {
    write(`migrate ${command} failed: ${(error as Error).message}`);
    return 1;
  }
}
