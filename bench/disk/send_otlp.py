"""Sends span records (one JSON object a line, runtime-hub's native shape) as OpenTelemetry spans
through the official Python SDK and OTLP/HTTP protobuf exporter to every endpoint given, so each
backend receives the very same spans. Payloads and LLM messages go as OpenInference attributes
(input.value, llm.input_messages.N.message.*), which both runtime-hub and Arize Phoenix read.

    python send_otlp.py spans.jsonl http://127.0.0.1:PORT/v1/traces [more endpoints...]
"""
import json
import sys

from opentelemetry import trace
from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor
from opentelemetry.trace import Status, StatusCode

path, endpoints = sys.argv[1], sys.argv[2:]
providers = {}


def tracer_for(service):
    if service not in providers:
        provider = TracerProvider(resource=Resource.create({"service.name": service}))
        for endpoint in endpoints:
            # A queue that holds the whole run: the default (2,048) drops spans when a backend is slow.
            provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter(endpoint=endpoint, timeout=120), max_queue_size=100_000, max_export_batch_size=1_000, schedule_delay_millis=200))
        providers[service] = provider
    return providers[service].get_tracer("bench-disk")


def ns(ms):
    return int(ms * 1_000_000)


def attributes_of(record):
    attrs = {k: v for k, v in (record.get("attributes") or {}).items() if isinstance(v, (str, int, float, bool))}
    messages = (record.get("input") or {}).get("messages") if isinstance(record.get("input"), dict) else None
    attrs["openinference.span.kind"] = "LLM" if messages else "CHAIN"
    attrs["input.value"] = json.dumps(record.get("input"))
    attrs["input.mime_type"] = "application/json"
    if record.get("output") is not None:
        attrs["output.value"] = json.dumps(record["output"])
        attrs["output.mime_type"] = "application/json"
    if messages:
        for i, message in enumerate(messages):
            attrs[f"llm.input_messages.{i}.message.role"] = message["role"]
            attrs[f"llm.input_messages.{i}.message.content"] = message["content"]
        reply = (record.get("output") or {}).get("content")
        if reply is not None:
            attrs["llm.output_messages.0.message.role"] = "assistant"
            attrs["llm.output_messages.0.message.content"] = reply
    return attrs


open_spans = {}
with open(path) as lines:
    for line in lines:
        record = json.loads(line)
        tracer = tracer_for(record["service"])
        parent = open_spans.get(record.get("parentSpanId"))
        context = trace.set_span_in_context(parent) if parent is not None else None
        span = tracer.start_span(record["name"], context=context, start_time=ns(record["startTime"]), attributes=attributes_of(record))
        error = record.get("error")
        if error:
            span.add_event("exception", {"exception.type": error["type"], "exception.message": error["message"], "exception.stacktrace": error.get("stack", "")}, timestamp=ns(record["endTime"]))
            span.set_status(Status(StatusCode.ERROR, error["message"]))
        else:
            span.set_status(Status(StatusCode.OK))
        if record.get("parentSpanId") is None:
            open_spans.clear()  # a new trace: the previous one's root is no longer a parent
            open_spans[record["spanId"]] = span
        span.end(end_time=ns(record["endTime"]))

for provider in providers.values():
    provider.force_flush(timeout_millis=600_000)
    provider.shutdown()
print(f"sent {sum(1 for _ in open(path))} spans to {len(endpoints)} endpoint(s)")
