import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHub, type Hub } from '../../server.js';

/** A protobuf export of `count` spans of a dozen attributes each, as the official exporter sends it. */
async function largeExport(count: number): Promise<Buffer> {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'big-export' }),
    spanProcessors: [new SimpleSpanProcessor(exporter)],
  });
  const tracer = provider.getTracer('protobuf-decoder-test', '1.0.0');
  for (let i = 0; i < count; i++) {
    const span = tracer.startSpan(`GET /api/items/${i % 50}`);
    for (let a = 0; a < 12; a++) span.setAttribute(`app.attribute_${a}`, `value ${i}-${a} ${'x'.repeat(16)}`);
    span.end();
  }
  const body = Buffer.from(ProtobufTraceSerializer.serializeRequest(exporter.getFinishedSpans())!);
  await provider.shutdown();
  return body;
}

describe('protobuf OTLP decoding', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'rh-protobuf-'));
  let hub: Hub;
  let url: string;
  /** For each OTLP export: whether the event loop had turned between its body arriving and its spans reaching ingest. */
  const loopTurned: boolean[] = [];

  beforeAll(async () => {
    hub = await createHub({ port: 0, logLevel: 'warn', dataDir });
    let turned = false;
    hub.app.addHook('preHandler', (request, _reply, done) => {
      if (request.url === '/v1/traces') {
        turned = false;
        setImmediate(() => (turned = true));
      }
      done();
    });
    const ingest = hub.ctx.ingest;
    hub.ctx.ingest = (records, options) => {
      loopTurned.push(turned);
      return ingest(records, options);
    };
    url = await hub.listen();
  });
  afterAll(async () => {
    await hub.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('decodes a large export off the event loop and stores all its spans', async () => {
    const body = await largeExport(3000);
    expect(body.length).toBeGreaterThan(1e6);
    const res = await fetch(`${url}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/x-protobuf' }, body });
    expect(res.status).toBe(200);
    // Decoding and converting on the event loop would run from the handler to ingest in one go.
    expect(loopTurned).toEqual([true]);
    let stored = 0;
    let cursor: string | null = null;
    do {
      const page = (await (await fetch(`${url}/api/v1/spans?service=big-export&limit=1000${cursor ? `&cursor=${cursor}` : ''}`)).json()) as {
        spans: unknown[];
        nextCursor: string | null;
      };
      stored += page.spans.length;
      cursor = page.nextCursor;
    } while (cursor);
    expect(stored).toBe(3000);
  });

  it('answers a large malformed body with INVALID_BODY from the decoder thread', async () => {
    const body = Buffer.concat([await largeExport(200), Buffer.alloc(70_000, 0xff)]);
    const bad = await fetch(`${url}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/x-protobuf' }, body });
    expect(bad.status).toBe(400);
    // The hub is still up and takes the next export.
    expect((await fetch(`${url}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/x-protobuf' }, body: await largeExport(200) })).status).toBe(200);
  });
});
