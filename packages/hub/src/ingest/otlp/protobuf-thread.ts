import { serveRequests } from '../../threads/serve.js';
import { decodeOtlpProtobuf } from './protobuf-decode.js';
import type { DecodeRequest } from './protobuf-decoder.js';

/** A decoder thread: decodes one protobuf OTLP body at a time, off the hub's event loop. */
serveRequests((request: DecodeRequest) => decodeOtlpProtobuf(request.kind, request.body));
