// A real OTLP/HTTP protobuf export body of about `bytes`: spans made by the official SDK, each with
// a dozen attributes, serialized by the official exporter's serializer.
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';

export async function otlpProtobufBody(bytes) {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  const tracer = provider.getTracer('bench-stall', '1.0.0');
  const body = () => ProtobufTraceSerializer.serializeRequest(exporter.getFinishedSpans());
  for (let round = 0; ; round++) {
    for (let i = 0; i < 2_000; i++) {
      tracer.startActiveSpan(`GET /api/items/${i % 50}`, (span) => {
        for (let a = 0; a < 12; a++) span.setAttribute(`app.attribute_${a}`, `value ${round}-${i}-${a} ${'x'.repeat(16)}`);
        span.end();
      });
    }
    const encoded = body();
    if (encoded.length >= bytes) {
      await provider.shutdown();
      return Buffer.from(encoded);
    }
  }
}
