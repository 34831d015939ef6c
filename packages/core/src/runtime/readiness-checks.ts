/**
 * The named checks behind a service host's `/ready` route.
 * @module
 */
import { AllFrameError } from "../errors/allframe-error.ts";
import type { Logger } from "../observability/logger.ts";

/** A readiness check: true when the dependency it guards can serve traffic. */
export type ReadinessCheck = () => boolean | Promise<boolean>;

/** Named readiness checks, run together, each bounded by a timeout. */
export class ReadinessChecks {
  readonly #checks = new Map<string, ReadinessCheck>();
  readonly #timeoutMs: number;
  readonly #logger: Logger;

  /** @param timeoutMs a check still running after this many milliseconds counts as false. */
  constructor(timeoutMs: number, logger: Logger) {
    this.#timeoutMs = timeoutMs;
    this.#logger = logger;
  }

  /** @throws AllFrameError `configuration` when a check with this name exists. */
  add(name: string, check: ReadinessCheck): void {
    if (this.#checks.has(name)) {
      throw new AllFrameError(
        "configuration",
        `readiness check "${name}" is already registered; give each check its own name`,
      );
    }
    this.#checks.set(name, check);
  }

  /** Runs every check concurrently; resolves to `{ name: passed }`. Never rejects. */
  async run(): Promise<Record<string, boolean>> {
    const entries = await Promise.all(
      [...this.#checks].map(async ([name, check]) => [name, await this.#runOne(name, check)] as const),
    );
    return Object.fromEntries(entries);
  }

  async #runOne(name: string, check: ReadinessCheck): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<"late">((resolve) => {
      timer = setTimeout(() => resolve("late"), this.#timeoutMs);
    });
    try {
      const result = await Promise.race([Promise.resolve().then(check), late]);
      if (result === "late") {
        this.#logger.warn({ check: name, timeoutMs: this.#timeoutMs }, `readiness check "${name}" timed out`);
        return false;
      }
      return result === true;
    } catch (error) {
      this.#logger.warn({ err: error, check: name }, `readiness check "${name}" failed`);
      return false;
    } finally {
      clearTimeout(timer);
    }
  }
}
