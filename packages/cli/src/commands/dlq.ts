/**
 * `allframe dlq list --url U [--json]` and `allframe dlq redrive <id> --url U`: inspect and redrive a
 * consumer service's dead letters through its routes (`GET /dlq`, `POST /dlq/:id/redrive`, generated
 * by the consumer archetype). Exit 0 on success, 1 when the service is unreachable or refuses
 * (unknown id, the handler fails again), 2 for usage errors (thrown as UsageError).
 * @module
 */
import type { DeadLetter } from "@allframe/core";
import { type CliIo, UsageError } from "../io.ts";

/** What `main` parsed for `allframe dlq`. `args` are the positionals after `dlq`. */
export interface DlqOptions {
  args: readonly string[];
  url: string | undefined;
  json: boolean;
  /** Injected for tests; default the global `fetch`. */
  fetch?: typeof fetch;
}

/** @throws UsageError for a missing/unknown action, a missing id or `--url`, or a URL that is not http(s). */
export async function dlqCommand(options: DlqOptions, io: CliIo): Promise<number> {
  const [action, id, extra] = options.args;
  if (action !== "list" && action !== "redrive") {
    throw new UsageError(
      `allframe dlq needs an action: list or redrive${action ? ` (got "${action}")` : ""}`,
    );
  }
  if (action === "redrive" && id === undefined)
    throw new UsageError("allframe dlq redrive needs the dead letter's id");
  const surplus = action === "list" ? id : extra;
  if (surplus !== undefined) throw new UsageError(`unexpected argument "${surplus}"`);
  const base = serviceUrl(options.url);
  const doFetch = options.fetch ?? fetch;
  const path = action === "list" ? "/dlq" : `/dlq/${encodeURIComponent(id ?? "")}/redrive`;
  let response: Response;
  try {
    response = await doFetch(new URL(path, base), {
      method: action === "list" ? "GET" : "POST",
      signal: AbortSignal.timeout(30_000),
    });
  } catch (error) {
    io.err(
      `allframe dlq: cannot reach ${base.origin}: ${(error as Error).cause ?? (error as Error).message}`,
    );
    return 1;
  }
  const body = (await response.json().catch(() => undefined)) as
    | { items?: DeadLetter[]; error?: { code: string; message: string } }
    | undefined;
  if (!response.ok) {
    const reason = body?.error ? `${body.error.code}: ${body.error.message}` : `HTTP ${response.status}`;
    io.err(`allframe dlq ${action}: ${base.origin}${path} answered ${response.status} (${reason})`);
    if (response.status === 404 && body?.error === undefined)
      io.err("  → is this a consumer service with a dead-letter queue?");
    return 1;
  }
  if (action === "redrive") {
    io.out(`Redriven ${id}: the handler succeeded and the dead letter was removed.`);
    return 0;
  }
  const items = body?.items ?? [];
  if (options.json) io.out(JSON.stringify(items, null, 2));
  else io.out(items.length === 0 ? `No dead letters at ${base.origin}.` : formatDeadLetters(items));
  return 0;
}

function serviceUrl(url: string | undefined): URL {
  if (url === undefined)
    throw new UsageError("allframe dlq needs --url <service base URL>, e.g. --url http://127.0.0.1:3005");
  const parsed = URL.canParse(url) ? new URL(url) : undefined;
  if (parsed === undefined || !/^https?:$/.test(parsed.protocol)) {
    throw new UsageError(`--url ${JSON.stringify(url)} is not an http(s) URL`);
  }
  if (!parsed.pathname.endsWith("/")) parsed.pathname += "/";
  return parsed;
}

const COLUMNS = ["ID", "EVENT TYPE", "ATTEMPTS", "ERROR", "DEAD-LETTERED AT"] as const;

/** Dead letters as an aligned text table, oldest first, errors cut to 60 characters. */
export function formatDeadLetters(items: readonly DeadLetter[]): string {
  const rows = items.map((d) => [
    d.id,
    d.event.type,
    String(d.attempts),
    clip(`${d.error.name}: ${d.error.message}`, 60),
    d.deadLetteredAt,
  ]);
  const widths = COLUMNS.map((title, i) => Math.max(title.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join("  ")
      .trimEnd();
  return [
    line(COLUMNS),
    ...rows.map(line),
    `${items.length} dead letter${items.length === 1 ? "" : "s"}`,
  ].join("\n");
}

function clip(text: string, max: number): string {
  const flat = text.replaceAll(/\s+/g, " ");
  return flat.length <= max ? flat : `${flat.slice(0, max - 1)}…`;
}
