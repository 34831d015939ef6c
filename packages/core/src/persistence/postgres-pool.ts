/**
 * One `pg.Pool` per database URL per process, shared by every store that names the same URL and
 * closed when the last of them closes. A service with three collections then holds one pool, not three.
 * @module
 */
import pg from "pg";
import { AllFrameError } from "../errors/allframe-error.ts";

const pools = new Map<string, { pool: pg.Pool; users: number }>();

/** A lease on the shared pool for `url`; call `release()` exactly once when done. */
export interface PoolLease {
  readonly pool: pg.Pool;
  release(): Promise<void>;
}

/** Leases the shared pool for `url`, creating it on first use (`max` connections, default 10). */
export function leasePool(url: string, max = 10): PoolLease {
  let entry = pools.get(url);
  if (entry === undefined) {
    entry = { pool: new pg.Pool({ connectionString: url, max }), users: 0 };
    pools.set(url, entry);
  }
  entry.users++;
  const current = entry;
  let released = false;
  return {
    pool: current.pool,
    async release() {
      if (released) return;
      released = true;
      current.users--;
      if (current.users === 0 && pools.get(url) === current) {
        pools.delete(url);
        await current.pool.end();
      }
    },
  };
}

/**
 * The pool a PostgreSQL store runs on: the caller's `pool` (the caller keeps it: `release` does
 * nothing), or the shared pool for `url`, leased with a listener so an idle client losing its server
 * is not an unhandled 'error' event (`release` removes it and returns the lease).
 * @throws AllFrameError `configuration` naming `owner` when given neither a pool nor a url.
 */
export function storePool(
  opts: { readonly pool?: pg.Pool; readonly url?: string },
  owner: string,
): PoolLease {
  if (opts.pool !== undefined) return { pool: opts.pool, release: async () => {} };
  if (opts.url === undefined || opts.url === "") {
    throw new AllFrameError("configuration", `${owner} needs a url or a pool`);
  }
  const lease = leasePool(opts.url);
  const ignoreIdleClientError = () => undefined;
  lease.pool.on("error", ignoreIdleClientError);
  return {
    pool: lease.pool,
    release: async () => {
      lease.pool.off("error", ignoreIdleClientError);
      await lease.release();
    },
  };
}
