import { SPAN_LIMITS, type Attributes } from '@runtime-hub/protocol';
import type { OtlpLogRecord, OtlpLogsRequest } from './otlp-types.js';
import { anyValueToJson, nanosToMs, otlpId, toAttributes } from './values.js';

/** One log record that belongs to a span, as the hub keeps it until it is merged into the span. */
export interface LogEntry {
  /** epoch ms (the record's time, else its observed time). */
  time: number;
  /** The event name (`event_name`, else the `event.name` attribute), or '' for a plain log. */
  name: string;
  body: unknown;
  attributes: Attributes;
  severity?: string;
}

export interface LogsConversion {
  /** Entries per span id, with the trace id they name, in the request's order. */
  bySpan: Map<string, { traceId: string; entries: LogEntry[] }>;
  /** Records the hub cannot keep (no span to belong to), with why. */
  dropped: { index: number; message: string }[];
  total: number;
}

/**
 * Groups an OTLP logs export request by the span each record belongs to. Pure: no I/O. The hub
 * keeps logs only as part of spans (GenAI events become the span's messages, other records its
 * events); a record without a trace and span id has nothing to belong to and is reported as
 * dropped. See docs/otlp.md.
 */
export function otlpLogsToEntries(request: OtlpLogsRequest): LogsConversion {
  const out: LogsConversion = { bySpan: new Map(), dropped: [], total: 0 };
  for (const resourceLogs of asArray(request?.resourceLogs)) {
    for (const scopeLogs of asArray(resourceLogs?.scopeLogs)) {
      for (const record of asArray(scopeLogs?.logRecords)) {
        const index = out.total++;
        const converted = convertRecord(record);
        if (typeof converted === 'string') {
          out.dropped.push({ index, message: converted });
          continue;
        }
        const group = out.bySpan.get(converted.spanId) ?? { traceId: converted.traceId, entries: [] };
        group.entries.push(converted.entry);
        out.bySpan.set(converted.spanId, group);
      }
    }
  }
  return out;
}

function convertRecord(record: OtlpLogRecord): { traceId: string; spanId: string; entry: LogEntry } | string {
  if (record === null || typeof record !== 'object') return 'log record: not an object';
  const traceId = otlpId(record.traceId, 16);
  const spanId = otlpId(record.spanId, 8);
  if (!traceId || !spanId) return 'no trace and span id: the hub keeps logs only as part of their spans';
  const time = nanosToMs(record.timeUnixNano) || nanosToMs(record.observedTimeUnixNano) || Date.now();
  const attributes = toAttributes(record.attributes, SPAN_LIMITS.maxAttributes - 2);
  const eventName = typeof record.eventName === 'string' && record.eventName !== '' ? record.eventName : attributes['event.name'];
  const name = typeof eventName === 'string' ? eventName.slice(0, SPAN_LIMITS.maxNameLength) : '';
  const entry: LogEntry = { time, name, body: anyValueToJson(record.body), attributes };
  if (typeof record.severityText === 'string' && record.severityText !== '') entry.severity = record.severityText;
  return { traceId, spanId, entry };
}

function asArray<T>(value: T[] | undefined | null): T[] {
  return Array.isArray(value) ? value : [];
}
