/**
 * `work` one call at a time, for callers that must see what was committed before they called: a
 * call while one runs does not join it (it may have begun before the caller's data), it shares the
 * next one, which starts when the running one ends. Many callers at once cost two runs at most.
 */
export function coalescedAfterCall<T>(work: () => Promise<T>): () => Promise<T> {
  let running: Promise<T> | undefined;
  let queued: Promise<T> | undefined;
  const call = (): Promise<T> => {
    if (!running) {
      running = work().finally(() => (running = undefined));
      return running;
    }
    queued ??= running
      .catch(() => undefined)
      .then(() => {
        queued = undefined;
        return call();
      });
    return queued;
  };
  return call;
}
