import { parentPort } from 'node:worker_threads';
import { HubError } from '@runtime-hub/protocol';
import { decodeOtlpProtobuf } from './protobuf-decode.js';
import type { DecodeReply, DecodeRequest } from './protobuf-decoder.js';

/** A decoder thread: decodes one protobuf OTLP body at a time, off the hub's event loop. */
parentPort!.on('message', (request: DecodeRequest) => {
  let reply: DecodeReply;
  try {
    reply = { id: request.id, ...decodeOtlpProtobuf(request.kind, request.body) };
  } catch (error) {
    const code = error instanceof HubError ? error.code : undefined;
    reply = { id: request.id, error: { message: (error as Error).message, ...(code ? { code } : {}) } };
  }
  parentPort!.postMessage(reply);
});
