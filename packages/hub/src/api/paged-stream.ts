import { Readable } from 'node:stream';

/**
 * A reply body streamed page by page. The next page is read only when the socket has taken the
 * previous one (a byte stream with a small buffer, so backpressure reaches the store's reads), and
 * a client that goes away stops the reads. Memory stays one page per reply, whatever the result's
 * size, and the event loop only ever joins one page of text between reads.
 */
export function pagedStream<T>(
  pages: AsyncIterable<T>,
  render: (page: T, index: number) => string,
  head = '',
  /** Text after the last page; a function when it depends on the pages seen. */
  tail: string | (() => string) = '',
): Readable {
  async function* text() {
    if (head) yield head;
    let index = 0;
    for await (const page of pages) yield render(page, index++);
    const end = typeof tail === 'function' ? tail() : tail;
    if (end) yield end;
  }
  return Readable.from(text(), { objectMode: false, highWaterMark: 64 * 1024 });
}

/**
 * Starts an iteration and waits for its first page, so a route can answer 404 for nothing found
 * before it commits to a 200 stream. `undefined` when there is no page at all.
 */
export async function firstPage<T>(pages: AsyncIterable<T>): Promise<AsyncIterable<T> | undefined> {
  const iterator = pages[Symbol.asyncIterator]();
  const first = await iterator.next();
  if (first.done) return undefined;
  return (async function* () {
    try {
      yield first.value;
      for (let next = await iterator.next(); !next.done; next = await iterator.next()) yield next.value;
    } finally {
      await iterator.return?.();
    }
  })();
}
