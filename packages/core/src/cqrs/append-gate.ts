/**
 * A shared/exclusive gate around a store's appends, so a projection rebuild can run while no append is
 * in flight without holding a backend transaction open (which would deadlock a single-connection
 * backend that serialises its reads behind the open write).
 * @module
 */

/**
 * Appends pass `shared`; a rebuild takes `exclusive`, which waits for the appends in flight to finish
 * and holds back new ones until it is done. Exclusive sections run one at a time, in call order.
 */
export class AppendGate {
  #active = 0;
  #drained: Array<() => void> = [];
  #exclusive: Promise<void> | undefined;

  /** Runs `work` once no exclusive section is running or waiting. */
  async shared<T>(work: () => Promise<T>): Promise<T> {
    const entering = this.enter();
    if (entering !== undefined) await entering;
    try {
      return await work();
    } finally {
      this.leave();
    }
  }

  /**
   * Enters a shared section, at once (answering `undefined`) when no exclusive section is running or
   * waiting, else by the promise it answers. Call `leave()` exactly once after it has entered. The
   * split form of `shared` saves an append a closure and a promise.
   */
  enter(): Promise<void> | undefined {
    if (this.#exclusive === undefined) {
      this.#active++;
      return undefined;
    }
    return this.#enterLater();
  }

  /** Leaves a shared section entered with `enter()`. */
  leave(): void {
    // Nothing waits on almost every leave: no new array for the waiters then.
    if (--this.#active === 0 && this.#drained.length > 0) {
      const waiters = this.#drained;
      this.#drained = [];
      for (const resolve of waiters) resolve();
    }
  }

  async #enterLater(): Promise<void> {
    while (this.#exclusive) await this.#exclusive;
    this.#active++;
  }

  /** Runs `work` with no shared section in flight; new shared sections wait until it settles. */
  async exclusive<T>(work: () => Promise<T>): Promise<T> {
    while (this.#exclusive) await this.#exclusive;
    let release = (): void => undefined;
    this.#exclusive = new Promise<void>((resolve) => {
      release = resolve;
    });
    try {
      if (this.#active > 0) await new Promise<void>((resolve) => this.#drained.push(resolve));
      return await work();
    } finally {
      this.#exclusive = undefined;
      release();
    }
  }
}
