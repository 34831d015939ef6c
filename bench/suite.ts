/** @module The shape every benchmark suite has. */

/** Named numbers and their units, e.g. `{ generate_median_ms: 42 }` / `{ generate_median_ms: "ms" }`. */
export interface BenchFigures {
  readonly figures: Record<string, number>;
  readonly units: Record<string, string>;
}

export interface BenchSuite {
  run(): Promise<BenchFigures>;
}

/** Median of a non-empty list of numbers. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

/** Writes one line of progress to stderr (stdout carries only the suite's JSON line). */
export function say(line: string): void {
  process.stderr.write(`${line}\n`);
}

/** Rounds to 2 decimals for reporting. */
export const round2 = (n: number): number => Math.round(n * 100) / 100;

/** A figure sheet: `put` records a figure rounded to 2 decimals with its unit; return `sheet` from `run`. */
export interface FigureSheet {
  readonly sheet: BenchFigures;
  put(name: string, value: number, unit: string): void;
}

/** An empty {@link FigureSheet}. */
export function figureSheet(): FigureSheet {
  const sheet = { figures: {} as Record<string, number>, units: {} as Record<string, string> };
  return {
    sheet,
    put(name, value, unit) {
      sheet.figures[name] = round2(value);
      sheet.units[name] = unit;
    },
  };
}
