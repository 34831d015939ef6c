/**
 * Ties a stream handler's lifetime to its subscriber. A stream handler waits on its `ctx.signal` (an
 * async generator parked on an `await` cannot be stopped by `return()` until it next yields), so the
 * subscription must abort that signal when the client completes or goes away.
 * @module
 */

/**
 * Starts `open(signal)` with a signal that aborts when `parent` aborts or when the returned iterator is
 * closed (`return()`/`throw()`, which graphql-js calls when a subscription completes and graphql-ws
 * calls when the client sends `complete` or disconnects). The source iterator is then closed too.
 * @example
 * subscribe: (_root, args, ctx) => abortableStream(ctx.signal, (signal) => subscribeHandler(h, args, { ...ctx, signal }))
 */
export function abortableStream<T>(
  parent: AbortSignal,
  open: (signal: AbortSignal) => AsyncIterable<T>,
): AsyncIterableIterator<T> {
  const controller = new AbortController();
  const signal = AbortSignal.any([parent, controller.signal]);
  const source = open(signal)[Symbol.asyncIterator]();
  const close = async (): Promise<IteratorResult<T>> => {
    controller.abort();
    await source.return?.();
    return { done: true, value: undefined };
  };
  return {
    next: () => source.next(),
    return: close,
    throw: async (error: unknown) => {
      await close();
      throw error;
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}
