/**
 * A log destination that keeps lines in memory, so tests can assert on what a module logged.
 * @module
 */
import type pino from "pino";

/** A pino destination whose lines can be read back as parsed JSON objects. */
export interface MemoryLogDestination extends pino.DestinationStream {
  /** Every line written so far, parsed; oldest first. */
  entries(): Array<Record<string, unknown>>;
  /** Forgets every line written so far. */
  clear(): void;
}

/**
 * Creates an in-memory destination for {@link createLogger}.
 *
 * @example
 * const dest = createMemoryLogDestination();
 * const logger = createLogger({ service: "t", level: "debug", destination: dest });
 * logger.info("hi");
 * dest.entries()[0]?.msg; // "hi"
 */
export function createMemoryLogDestination(): MemoryLogDestination {
  let lines: string[] = [];
  return {
    write(msg: string): void {
      for (const line of msg.split("\n")) if (line.trim() !== "") lines.push(line);
    },
    entries: () => lines.map((line) => JSON.parse(line) as Record<string, unknown>),
    clear(): void {
      lines = [];
    },
  };
}
