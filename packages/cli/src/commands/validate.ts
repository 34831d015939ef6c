/**
 * `allframe validate --config F [--json]`: prints the configuration's diagnostics, writes nothing.
 * Exit 0 when valid (warnings allowed), 1 with errors.
 * @module
 */
import { formatDiagnostics, loadArchitectureFile } from "@allframe/forge";
import type { CliIo } from "../io.ts";

export async function validateCommand(
  options: { config: string; json: boolean },
  io: CliIo,
): Promise<number> {
  const result = await loadArchitectureFile(options.config, { env: io.env });
  if (options.json) {
    io.out(JSON.stringify({ ok: result.ok, diagnostics: result.diagnostics }, null, 2));
    return result.ok ? 0 : 1;
  }
  if (result.diagnostics.length > 0) io.err(formatDiagnostics(result.diagnostics));
  if (result.ok) {
    const { services, events } = result.architecture;
    const count = (n: number, noun: string): string => `${n} ${noun}${n === 1 ? "" : "s"}`;
    io.out(
      `${options.config} is valid: ${count(services.length, "service")}, ${count(events.length, "event")}.`,
    );
    return 0;
  }
  io.err(`${options.config} is not valid; fix the errors above.`);
  return 1;
}
