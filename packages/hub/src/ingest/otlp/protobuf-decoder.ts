import { spawnThread } from '../../threads/spawn.js';
import { ThreadPool } from '../../threads/thread-pool.js';
import { decodeOtlpProtobuf, type ProtobufKind, type ProtobufResults } from './protobuf-decode.js';

export interface DecodeRequest {
  id: number;
  kind: ProtobufKind;
  body: Uint8Array;
}

/** Bodies smaller than this decode inline: a thread round trip would cost more than it saves. */
const INLINE_BYTES = 64 * 1024;

/**
 * Decodes protobuf OTLP bodies on a decoder thread. A 5 MB export takes about a second to decode
 * and convert (0.5 s decoding, 0.3 s converting): on the event loop that second would hold health
 * checks, ingest and the live channel. The thread starts on first use.
 */
export class ProtobufDecoder {
  private readonly pool: ThreadPool<Omit<DecodeRequest, 'id'>>;
  private closed = false;

  constructor(size = 1) {
    this.pool = new ThreadPool({
      spawn: () => spawnThread(import.meta.url, 'protobuf-thread'),
      size,
      name: 'protobuf decoder',
      closedMessage: 'the hub is closing',
    });
  }

  async decode<K extends ProtobufKind>(kind: K, body: Uint8Array): Promise<{ value: ProtobufResults[K]; lossy: boolean }> {
    if (body.byteLength < INLINE_BYTES || this.closed) return decodeOtlpProtobuf(kind, body);
    return (await this.pool.run({ kind, body })) as { value: ProtobufResults[K]; lossy: boolean };
  }

  /**
   * Lets the bodies being decoded finish, then ends the thread. Bodies that arrive later, while
   * the HTTP server closes, decode inline.
   */
  close(): Promise<void> {
    this.closed = true;
    return this.pool.close();
  }
}
